# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throw-away certificate authority and server certificate for --tls.

Uses the cryptography package, which ansible-core already depends on; it is imported
only when TLS is wanted, so plain HTTP runs on the standard library alone.
"""

import datetime
import ipaddress
import os
import ssl

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"
SERVER_NAMES = ("localhost",)
SERVER_ADDRESSES = ("127.0.0.1", "::1")
VALIDITY = datetime.timedelta(days=30)


def _name(common_name):
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pbxsim"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec
    # P-256 keys are generated in milliseconds, which keeps start-up fast.
    return ec.generate_private_key(ec.SECP256R1())


def _builder(subject, issuer, public_key):
    from cryptography import x509
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _ca_certificate(key):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    name = _name("pbxsim test CA")
    builder = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
    )
    return builder.sign(key, hashes.SHA256())


def _server_certificate(key, ca_key, ca_cert):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID
    alt_names = [x509.DNSName(name) for name in SERVER_NAMES]
    alt_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in SERVER_ADDRESSES]
    builder = (
        _builder(_name("localhost"), ca_cert.subject, key.public_key())
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    return builder.sign(ca_key, hashes.SHA256())


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def create_tls_files(directory):
    """Write ca.pem, server.pem and server-key.pem into directory; return their paths."""
    from cryptography.hazmat.primitives import serialization
    ca_key = _new_key()
    ca_cert = _ca_certificate(ca_key)
    server_key = _new_key()
    server_cert = _server_certificate(server_key, ca_key, ca_cert)
    paths = tuple(os.path.join(directory, name) for name in (CA_FILE, CERT_FILE, KEY_FILE))
    _write(paths[0], ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(paths[1], server_cert.public_bytes(serialization.Encoding.PEM))
    _write(paths[2], server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ))
    os.chmod(paths[2], 0o600)
    return paths


def server_context(cert_file, key_file):
    """A TLS server context (TLS 1.2 or newer) for the generated certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context

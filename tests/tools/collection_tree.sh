#!/usr/bin/env bash
# ansible-test needs the collection under .../ansible_collections/vodia/pbx and refuses symlinks.
# Copy the files git would commit (tracked plus untracked, minus .gitignore) into DEST.
# Usage: collection_tree.sh DEST_ROOT   -> creates DEST_ROOT/ansible_collections/vodia/pbx
set -euo pipefail
dest="$1/ansible_collections/vodia/pbx"
rm -rf "$dest"
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
    [ -e "$file" ] && printf '%s\0' "$file"
done | tar --null -T - -cf - | tar -xf - -C "$dest"
# ansible-test asks git which files exist; without a repository of its own the copy would be
# judged by the enclosing checkout, where build/ is ignored.
git -C "$dest" init -q
git -C "$dest" add -A
echo "$dest"

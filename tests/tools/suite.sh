#!/usr/bin/env bash
# make test runs its suites side by side; each one's output goes to its own log, and this script says what became of
# each: a line when a suite starts and one when it ends, then a summary with the logs of the suites that failed.
#
# Usage (the Makefile's SUITE_BEGIN and SUITE_END wrap a suite's recipe in the first two):
#   suite.sh begin LOGDIR NAME          record the start of suite NAME
#   suite.sh end LOGDIR NAME STATUS     record how it ended (STATUS: the recipe's exit code, passed through);
#                                       LOGDIR/NAME.log holds its output, LOGDIR/NAME.times the shell's `times`
#   suite.sh summary LOGDIR NAME...     one line per suite, the end of the log of every suite that did not pass,
#                                       and a closing count; exits 1 unless every suite passed
#
# Honest counts: pytest's exit code 5 (it collected no test) fails the suite as "ran no tests"; skipped tests and
# skipped sanity tests are named in the summary, never counted as passed ones.
set -euo pipefail

now() { date +%s; }
stamp() { date +%H:%M:%S; }

# detail LOG: what the suite ran, read from its log (pytest's closing line, ansible-test's targets and sanity tests).
detail() {
    local log=$1 cell pytest targets sanity missing
    [ -f "$log" ] || return 0
    # matrix.sh names the cell: "=== ansible-core 2.19.14 on Python 3.11: integration, PBX profile v69, module path, in"
    cell=$(sed -nE 's/^=== (ansible-core [^ ]+) on (Python [^:]+): [a-z]+(, PBX profile [^,]+, [a-z]+ path)?, in .*/\1, \2\3/p' "$log" \
        | head -n 1)
    # pytest -q closes with "N passed, M skipped in 1.23s" (with = signs around it without -q); several runs: all.
    pytest=$(grep -E '^=* ?([0-9]+ (passed|failed|skipped|errors?|deselected|xfailed|xpassed|warnings?)|no tests ran)\b.* in [0-9.]+s' "$log" \
        | sed -E 's/^=+ //; s/ =+$//; s/ in [0-9.]+s.*$//' | paste -sd ';' - || true)
    targets=$(grep -cE '^Running .* integration test role$' "$log" || true)
    sanity=$(grep -cE '^Running sanity test ' "$log" || true)
    # ansible-test skips a sanity test whose program is missing, with only a warning.
    missing=$(grep -oE 'Required program "[^"]+" not found' "$log" | sort -u | sed -E 's/Required program "([^"]+)" not found/\1/' \
        | paste -sd ',' - || true)
    local parts=()
    [ -n "$cell" ] && parts+=("$cell")
    [ -n "$pytest" ] && parts+=("$pytest")
    [ "$targets" -gt 0 ] && parts+=("$targets integration targets")
    [ "$sanity" -gt 0 ] && parts+=("$sanity sanity tests")
    [ -n "$missing" ] && parts+=("SKIPPED sanity tests, program missing: $missing")
    local joined='' part
    for part in "${parts[@]+"${parts[@]}"}"; do
        joined+="${joined:+; }$part"
    done
    echo "$joined"
}

cmd=$1 logs=$2
shift 2
case $cmd in
begin)
    name=$1
    now >"$logs/$name.start"
    rm -f "$logs/$name.result"
    echo "[$(stamp)] start $name"
    ;;
end)
    name=$1 status=$2
    start=$(cat "$logs/$name.start" 2>/dev/null || now)
    wall=$(($(now) - start))
    # `times` prints the shell's own CPU time, then its children's: user and system.
    cpu=
    if [ -f "$logs/$name.times" ]; then
        cpu=$(sed -n 2p "$logs/$name.times" | awk '{
            t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%d", t }')
    fi
    what=$(detail "$logs/$name.log")
    if [ "$status" -eq 0 ]; then
        result=PASS
    elif [ "$status" -eq 5 ] && grep -qE '(no tests ran|collected 0 items)' "$logs/$name.log"; then
        result="FAIL (ran no tests: pytest exit code 5)"
    else
        result="FAIL (exit code $status)"
    fi
    # A suite that passed with skipped tests says so: they are not passed tests.
    if [ "$result" = PASS ] && grep -qE 'skipped|SKIPPED' <<<"$what"; then
        result="PASS with skips"
    fi
    printf '%s\t%s\t%s\t%s\n' "$result" "$wall" "${cpu:-?}" "$what" >"$logs/$name.result"
    echo "[$(stamp)] ${result%% *} $name (${wall}s, cpu ${cpu:-?}s${what:+; $what})"
    exit "$status"
    ;;
summary)
    passed=0 failed=0 skipped=()
    bad=()
    echo
    echo "make test: suite results (logs in $logs; wall and CPU time in seconds)"
    printf '  %-32s %-16s %6s %6s  %s\n' suite result wall cpu 'what ran'
    for name in "$@"; do
        if [ -f "$logs/$name.result" ]; then
            IFS=$'\t' read -r result wall cpu what <"$logs/$name.result"
        else
            result="NOT RUN (a prerequisite failed, see above)" wall=- cpu=- what=
        fi
        printf '  %-32s %-16s %6s %6s  %s\n' "$name" "${result%% (*}" "$wall" "$cpu" "$what"
        case $result in
        PASS) passed=$((passed + 1)) ;;
        "PASS with skips") passed=$((passed + 1)) skipped+=("$name") ;;
        *) failed=$((failed + 1)) bad+=("$name: $result") ;;
        esac
    done
    for line in "${bad[@]+"${bad[@]}"}"; do
        name=${line%%:*}
        [ -f "$logs/$name.log" ] || continue
        echo
        echo "=== $line; the last 80 lines of $logs/$name.log:"
        tail -n 80 "$logs/$name.log" 2>/dev/null || echo "(no log)"
    done
    echo
    [ "${#skipped[@]}" -eq 0 ] || echo "make test: suites that skipped tests (see the summary above): ${skipped[*]}"
    [ "${#bad[@]}" -eq 0 ] || printf 'make test: FAILED: %s\n' "${bad[@]}"
    echo "suites: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
*)
    echo "usage: $0 begin|end|summary LOGDIR ..." >&2
    exit 2
    ;;
esac

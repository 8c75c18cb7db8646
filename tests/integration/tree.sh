#!/bin/sh
# The source tree keeps its own rules (tests/tools/tree_check.py): includes point down
# the pipeline and private headers stay in their folder; every cited CL-/PR- id is
# defined in layout/RULES.md; no six identical code lines stand in two places.
. tests/integration/lib.sh
python3 tests/tools/tree_check.py . > "$TMP/tree.txt" 2>&1
for what in layers rules copies; do
    if grep -q ": $what: " "$TMP/tree.txt"; then
        not_ok "tree: $what"
        grep ": $what: " "$TMP/tree.txt" | head -20 | sed 's/^/    # /'
    else
        ok "tree: $what"
    fi
done
check "tree: the checker ran" grep -q '^tree: ' "$TMP/tree.txt"
exit $status

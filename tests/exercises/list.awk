# list.awk - "make exercises": one line per exercise of the lesson READMEs.
#
# An exercise is an item of a README's "## Exercises" list that starts
#     1. **01.1 Title** (easy, 10 min; checked: `make check EX=01.1`)
# or, without an automatic check, "(medium, 20 min; observe)". The READMEs
# are the one place an exercise is written; this prints
#     01.1  easy     10 min  checked  Title
# and, last, how many there are and how many are checked.
/^## / { in_exercises = ($0 == "## Exercises") }
in_exercises && /^[0-9]+\. \*\*[0-9][0-9]\.[0-9]+ / {
    line = $0
    sub(/^[0-9]+\. \*\*/, "", line)
    id = line; sub(/ .*/, "", id)
    title = line; sub(/^[^ ]+ /, "", title); sub(/\*\*.*/, "", title)
    label = line; sub(/^[^(]*\(/, "", label); sub(/\).*/, "", label)
    n = split(label, part, /[,;] */)
    kind = part[3]; sub(/:.*/, "", kind)
    printf "%-5s  %-8s %-7s %-8s %s\n", id, part[1], part[2], kind, title
    total++
    if (kind == "checked")
        checked++
}
END { printf "%d exercises, %d with a check (make check EX=NN.K)\n", total, checked }

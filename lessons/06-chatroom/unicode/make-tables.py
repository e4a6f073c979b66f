#!/usr/bin/env python3
"""make-tables.py - writes unicode/tables.h, the Unicode facts lesson 06's
names and lines need (unicode.c looks them up; unicode.h says what they
are), from Unicode's own data files.

    python3 lessons/06-chatroom/unicode/make-tables.py > lessons/06-chatroom/unicode/tables.h

Its inputs are Debian packages (apt-get install unicode-data
python3-confusable-homoglyphs):
  /usr/share/unicode/UnicodeData.txt        categories, combining classes,
                                            decompositions (NFKD)
  /usr/share/unicode/CaseFolding.txt        case folding (C and F)
  /usr/share/unicode/DerivedCoreProperties.txt  Default_Ignorable_Code_Point
  /usr/share/unicode/Scripts.txt            the script of each character
  /usr/share/unicode/EastAsianWidth.txt     wide characters (W, F)
  .../confusable_homoglyphs/confusables.json  UTS #39's confusables.txt,
                                            as pairs (source, prototype)

The tables are ranges (the first code point of each, a value) and sorted
lists, searched by bisection: a few tens of KiB, no code point by code point
array of a million entries.
"""
import json
import os
import sys

UCD = os.environ.get("UCD", "/usr/share/unicode")
CONFUSABLES = os.environ.get(
    "CONFUSABLES",
    "/usr/lib/python3/dist-packages/confusable_homoglyphs/confusables.json")

# Scripts with fixed numbers: names.c and unicode.h rely on them.
FIXED_SCRIPTS = ["Common", "Inherited", "Han", "Hiragana", "Katakana", "Hangul",
                 "Bopomofo", "Latin", "Unknown"]
# Name classes, as unicode.h numbers them.
NAME_OK, NAME_BLANK, NAME_INVISIBLE, NAME_UNASSIGNED = 0, 1, 2, 3
UNICODE_KEY_MAX = 32             # as unicode.h says
# Blank look-alikes outside Zs: the braille blank shows as nothing.
EXTRA_BLANKS = [0x2800]
SBASE, LBASE, VBASE, TBASE, LCOUNT, VCOUNT, TCOUNT = 0xAC00, 0x1100, 0x1161, 0x11A7, 19, 21, 28


def ranges_of(path):
    """(first, last, fields) for each data line of a UCD file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            fields = [x.strip() for x in line.split(";")]
            cps = fields[0].split("..")
            yield int(cps[0], 16), int(cps[-1], 16), fields[1:]


def read_unicode_data():
    gc, ccc, decomp = {}, {}, {}
    first = None
    with open(os.path.join(UCD, "UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            x = line.split(";")
            cp = int(x[0], 16)
            if x[1].endswith(", First>"):
                first = cp
                continue
            lo = first if x[1].endswith(", Last>") else cp
            first = None
            for c in range(lo, cp + 1):
                gc[c] = x[2]
                ccc[c] = int(x[3])
            if x[5]:
                d = x[5].split()
                if d[0].startswith("<"):
                    d = d[1:]
                decomp[cp] = [int(h, 16) for h in d]
    return gc, ccc, decomp


gc, ccc, decomp = read_unicode_data()
fold = {}
for lo, _, f in ranges_of(os.path.join(UCD, "CaseFolding.txt")):
    if f[0] in ("C", "F"):
        fold[lo] = [int(h, 16) for h in f[1].split()]
ignorable = set()
for lo, hi, f in ranges_of(os.path.join(UCD, "DerivedCoreProperties.txt")):
    if f[0] == "Default_Ignorable_Code_Point":
        ignorable.update(range(lo, hi + 1))
script = {}
for lo, hi, f in ranges_of(os.path.join(UCD, "Scripts.txt")):
    for c in range(lo, hi + 1):
        script[c] = f[0].replace("_", " ")
wide = set()
for lo, hi, f in ranges_of(os.path.join(UCD, "EastAsianWidth.txt")):
    if f[0] in ("W", "F"):
        wide.update(range(lo, hi + 1))


def hangul(c):
    s = c - SBASE
    if 0 <= s < LCOUNT * VCOUNT * TCOUNT:
        out = [LBASE + s // (VCOUNT * TCOUNT), VBASE + s % (VCOUNT * TCOUNT) // TCOUNT]
        return out + ([TBASE + s % TCOUNT] if s % TCOUNT else [])
    return None


def nfkd(seq):
    out = []
    for c in seq:
        d = hangul(c) or decomp.get(c)
        out += nfkd(d) if d else [c]
    return out


def preference(m):
    c = ord(m)
    return (not (0x61 <= c <= 0x7a), not (0x41 <= c <= 0x5a), c >= 0x80, c not in fold, c)


def confusable_prototypes():
    """Each character of confusables.txt -> the one string that stands for
    its whole set: its prototype if that has several characters ("rn" for
    m), else, in this order, its ASCII small letter, ASCII letter, ASCII
    character, letter with a case, or lowest code point (a letter, so that
    case folding takes O to o where a digit 0 would stay 0)."""
    with open(CONFUSABLES, encoding="utf-8") as f:
        pairs = json.load(f)
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x
    for a, others in pairs.items():
        for b in others:
            ra, rb = find(a.replace("\u200e", "")), find(b["c"].replace("\u200e", ""))
            parent[ra] = rb
    sets = {}
    for x in list(parent):
        sets.setdefault(find(x), []).append(x)
    proto = {}
    for members in sets.values():
        longer = [m for m in members if len(m) > 1]
        singles = [m for m in members if len(m) == 1]
        rep = longer[0] if len(longer) == 1 else min(singles or longer, key=preference)
        for m in members:
            if len(m) == 1:
                proto[ord(m)] = [ord(x) for x in rep]
    return proto


proto = confusable_prototypes()


def key_step(seq):
    """One pass of the key: NFKD, prototypes, case folding, prototypes again
    (so AIice and ALICE meet alice), no combining marks (accents go, and
    so does their order), then I, i, l, 1 as one letter."""
    seq = nfkd(seq)
    seq = nfkd([y for c in seq for y in proto.get(c, [c])])
    seq = nfkd([y for c in seq for y in fold.get(c, [c])])
    seq = nfkd([y for c in seq for y in proto.get(c, [c])])
    seq = [c for c in seq if ccc.get(c, 0) == 0]
    return [ord("l") if c == ord("i") else c for c in seq]


def key(c):
    seq, before = [c], None
    while seq != before:
        before, seq = seq, key_step(seq)
    return seq


def name_class(c):
    g = gc.get(c, "Cn")
    if g in ("Cn", "Co", "Cs"):
        return NAME_UNASSIGNED
    if g in ("Cc", "Cf", "Zl", "Zp") or c in ignorable:
        return NAME_INVISIBLE
    if g == "Zs" or c in EXTRA_BLANKS:
        return NAME_BLANK
    return NAME_OK


def columns(c):
    g = gc.get(c, "Cn")
    if g in ("Mn", "Me", "Cf") or c in ignorable or 0x1160 <= c <= 0x11FF or 0xD7B0 <= c <= 0xD7FF:
        return 0
    return 2 if c in wide else 1


def range_table(name, value_of, kind="unsigned char"):
    """Code point ranges as (first << 8 | value), in order."""
    rows, last = [], None
    for c in range(0x110000):
        v = value_of(c)
        if v != last:
            rows.append((c, v))
            last = v
    print("static const uint32_t %s[%d] = {  /* first << 8 | value */" % (name, len(rows)))
    for i in range(0, len(rows), 6):
        print("    " + " ".join("0x%07x," % (f << 8 | v) for f, v in rows[i:i + 6]))
    print("};\n")
    return len(rows) * 4


def utf8(seq):
    return "".join(chr(c) for c in seq).encode("utf-8")


def main():
    scripts = FIXED_SCRIPTS + sorted(set(script.values()) - set(FIXED_SCRIPTS))
    number = {s: i for i, s in enumerate(scripts)}
    print("/* tables.h - GENERATED by make-tables.py from Unicode's data files")
    print(" * (unicode-data %s, confusables.txt as python3-confusable-homoglyphs" %
          open(os.path.join(UCD, "CaseFolding.txt"), encoding="utf-8").readline().split("-")[1].split(".txt")[0])
    print(" * has it). Do not edit: run the script. Included by unicode.c only;")
    print(" * what the tables hold: unicode.h. */")
    print("#include <stdint.h>\n")
    size = range_table("name_classes", name_class)
    size += range_table("scripts", lambda c: number[script.get(c, "Unknown")])
    size += range_table("widths", columns)
    keys = [(c, key(c)) for c in range(0x110000)
            if name_class(c) == NAME_OK and not hangul(c) and key(c) != [c]]
    # Case goes for Latin; a Greek or Cyrillic capital that looks like a Latin
    # one keys as that (ΒΟΒ is BOB), so its small letter may key apart (β).
    assert all(key(c) == key(c + 32) for c in range(0x41, 0x5b))
    longest = max([len(utf8(k)) for _, k in keys] +
                  [sum(len(utf8(key(j))) for j in hangul(c)) for c in range(SBASE, SBASE + 11172)])
    assert longest <= UNICODE_KEY_MAX, longest
    pool = b"".join(utf8(k) for _, k in keys)
    print("static const uint32_t key_from[%d] = {  /* code point << 8 | bytes */" % len(keys))
    for i in range(0, len(keys), 6):
        print("    " + " ".join("0x%07x," % (c << 8 | len(utf8(k))) for c, k in keys[i:i + 6]))
    print("};\n")
    print("static const unsigned char key_bytes[%d] = {  /* the keys' UTF-8, one after the other */" % len(pool))
    offsets, at = [], 0
    for c, k in keys:
        offsets.append(at)
        at += len(utf8(k))
    for i in range(0, len(pool), 16):
        print("    " + " ".join("%d," % b for b in pool[i:i + 16]))
    print("};\n")
    print("static const unsigned short key_at[%d] = {" % len(keys))
    for i in range(0, len(offsets), 10):
        print("    " + " ".join("%d," % o for o in offsets[i:i + 10]))
    print("};\n")
    size += len(keys) * 6 + len(pool)
    print("static const char *const script_names[%d] = {" % len(scripts))
    for i in range(0, len(scripts), 5):
        print("    " + " ".join('"%s",' % s for s in scripts[i:i + 5]))
    print("};\n")
    print("/* tables: %d bytes */" % size)
    sys.stderr.write("tables: %d bytes, %d keys, %d scripts\n" % (size, len(keys), len(scripts)))


if __name__ == "__main__":
    main()

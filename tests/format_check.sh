#!/bin/sh
# Every C, C++ and header file of the tree is in the style its
# .clang-format gives (LLVM for the C++, kernel style under bpf/), so the
# once-applied format stays applied. Usage: format_check.sh SOURCE_DIR
cd "$1" || exit 2
files=$(git ls-files '*.c' '*.cpp' '*.h' 2>/dev/null) ||
	files=$(find . -path ./build -prune -o \( -name '*.c' -o -name '*.cpp' -o -name '*.h' \) -print)
bad=0
for f in $files; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run: clang-format -i $f)"
		bad=$((bad + 1))
	fi
done
[ "$bad" = 0 ] && echo "ok: $(echo "$files" | wc -w) files formatted"
[ "$bad" = 0 ]

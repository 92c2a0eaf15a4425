#!/usr/bin/env python3
"""Adds entries to the TEXTS table of domain/src/i18n.rs and keeps it sorted.
usage: i18n_add.py key 中文 English [key 中文 English ...]"""
import re, sys, json
p = __file__.rsplit('/', 1)[0] + '/src/i18n.rs'
s = open(p).read()
start = s.index('static TEXTS')
body_start = s.index('[\n', start) + 2
end = s.index('\n];', start) + 1
entries = re.findall(r'\(\s*("(?:[^"\\]|\\.)*"),\s*("(?:[^"\\]|\\.)*"),\s*("(?:[^"\\]|\\.)*"),?\s*\)', s[body_start:end])
table = {json.loads(k): (zh, en) for k, zh, en in entries}
args = sys.argv[1:]
for i in range(0, len(args), 3):
    table[args[i]] = (json.dumps(args[i + 1], ensure_ascii=False), json.dumps(args[i + 2], ensure_ascii=False))
lines = [f'    ({json.dumps(k, ensure_ascii=False)}, {zh}, {en}),' for k, (zh, en) in sorted(table.items())]
s = s[:body_start] + '\n'.join(lines) + '\n' + s[end:]
if '#[rustfmt::skip]\nstatic TEXTS' not in s:
    s = s.replace('static TEXTS', '#[rustfmt::skip]\nstatic TEXTS', 1)
open(p, 'w').write(s)
print(f'{len(table)} texts')

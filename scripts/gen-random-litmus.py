#!/usr/bin/env python3
# Generates small random AArch64 litmus tests for the differential test against herd7
# (test/litmus-random.test.ts): python3 scripts/gen-random-litmus.py FIRST_SEED END_SEED OUTDIR
# Deterministic per seed.
import random, sys, os
def gen(seed):
    R = random.Random(seed)
    nth = R.choice([2,2,2,2,3])
    locs = ['x','y','z'][:R.choice([2,2,3])]
    threads = []
    init = []
    observed_regs = []
    for t in range(nth):
        code = []
        regs = {}
        for i, l in enumerate(locs):
            init.append(f'{t}:X{10+i}={l};')
        nextreg = [0]
        def fresh():
            r = nextreg[0]; nextreg[0] += 1; return r
        loads = []
        nops = R.randint(2, 3)
        for k in range(nops):
            kind = R.choice(['st','st','ld','ld','fence','rmw','excl','ld','st'])
            li = R.randrange(len(locs)); base = f'X{10+li}'
            # optional dependency source
            dep = R.choice([None, None, 'addr', 'data', 'ctrl', 'csel']) if loads else None
            src = R.choice(loads) if loads else None
            idx = ''
            if dep == 'addr':
                t9 = fresh(); code.append(f'EOR W{t9},W{src},W{src}'); idx = f',W{t9},SXTW'
            if dep == 'ctrl':
                code.append(f'CBNZ W{src},LC{t}{k}'); code.append(f'LC{t}{k}:')
                if R.random() < 0.3: code.append('ISB')
            if kind == 'st':
                v = R.choice([1,2])
                vr = fresh(); code.append(f'MOV W{vr},#{v}')
                if dep == 'data':
                    t8 = fresh(); code.append(f'EOR W{t8},W{src},W{src}'); code.append(f'ADD W{vr},W{vr},W{t8}')
                if dep == 'csel':
                    code.append(f'CMP W{src},#1'); o = fresh(); code.append(f'MOV W{o},#{v}'); code.append(f'CSEL W{vr},W{vr},W{o},EQ')
                op = R.choice(['STR','STR','STLR'])
                if op == 'STLR' and idx: op = 'STR'
                code.append(f'{op} W{vr},[{base}{idx}]')
            elif kind == 'ld':
                r = fresh(); op = R.choice(['LDR','LDR','LDAR','LDAPR'])
                if op != 'LDR' and idx: op = 'LDR'
                code.append(f'{op} W{r},[{base}{idx}]'); loads.append(r); observed_regs.append((t, r))
            elif kind == 'fence':
                code.append(R.choice(['DMB SY','DMB LD','DMB ST','DSB SY','DSB ST','ISB','DMB ISH']))
            elif kind == 'rmw':
                a = R.choice(['SWP','LDADD','CAS','STADD'])
                ordv = R.choice(['','A','L','AL'])
                s = fresh(); code.append(f'MOV W{s},#{R.choice([1,2])}')
                if a == 'STADD':
                    code.append(f'STADD{"L" if "L" in ordv else ""} W{s},[{base}]')
                elif a == 'CAS':
                    c = fresh(); code.append(f'MOV W{c},#{R.choice([0,1])}')
                    code.append(f'CAS{ordv} W{c},W{s},[{base}]'); loads.append(c); observed_regs.append((t, c))
                else:
                    d = fresh(); code.append(f'{a}{ordv} W{s},W{d},[{base}]'); loads.append(d); observed_regs.append((t, d))
            elif kind == 'excl':
                d = fresh(); st = fresh(); s = fresh()
                code.append(f'{R.choice(["LDXR","LDAXR"])} W{d},[{base}]')
                code.append(f'MOV W{s},#{R.choice([1,2])}')
                code.append(f'{R.choice(["STXR","STLXR"])} W{st},W{s},[{base}]')
                loads.append(d); observed_regs.append((t, d)); observed_regs.append((t, st))
        threads.append(code)
    n = max(len(c) for c in threads)
    rows = []
    for i in range(n):
        cells = []
        for c in threads:
            cells.append(c[i] if i < len(c) else '')
        rows.append(' ' + ' | '.join(f'{x:<22}' for x in cells) + ';')
    header = ' ' + ' | '.join(f'{"P%d" % t:<22}' for t in range(nth)) + ';'
    locs_line = 'locations [' + ''.join(f'{l};' for l in locs) + ''.join(f'{t}:X{r};' for t, r in observed_regs) + ']'
    cond = 'exists (' + ' /\\ '.join([f'{t}:X{r}={R.choice([0,1,2])}' for t, r in observed_regs[:3]] or ['x=1']) + ')'
    return f'AArch64 R{seed}\n{{\n' + ' '.join(init) + '\n}\n' + header + '\n' + '\n'.join(rows) + '\n' + locs_line + '\n' + cond + '\n'
a, b, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
for s in range(a, b):
    open(os.path.join(out, f'R{s}.litmus'), 'w').write(gen(s))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Checks of Documentation/netlink/specs/tlsmon.yaml for ynl_spec.sh, with
# the kernel's schema and YNL extracted from linux-source-6.12:
#
#   ynl_spec.py validate SCHEMA SPEC   every error of the spec against the
#                                      schema, one a line; exit 1 if any
#   ynl_spec.py load YNL SCHEMA SPEC   load it with YNL's SpecFamily
#   ynl_spec.py names YNL SCHEMA SPEC OUT.c
#                                      write to OUT.c a C program printing
#                                      each C name the spec defines with its
#                                      value as the uapi header has it, and
#                                      print the same lines as the spec has
#                                      them
#
# The C names follow YNL's C generator (tools/net/ynl/ynl-gen-c.py):
# name-prefix, or FAMILY-SET- by default, plus the upper-cased name.
import sys


def validate(schema_path, spec_path):
    import jsonschema
    import yaml

    with open(schema_path) as f:
        schema = yaml.safe_load(f)
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(spec))
    for e in errors:
        path = '/'.join(str(p) for p in e.absolute_path)
        print(f"{path}: {e.message[:200]}")
    return 1 if errors else 0


def family(ynl, schema_path, spec_path):
    sys.path.insert(0, ynl)
    from lib import SpecFamily

    return SpecFamily(spec_path, schema_path)


def c_upper(name):
    return name.upper().replace('-', '_')


def names(ynl, schema_path, spec_path):
    fam = family(ynl, schema_path, spec_path)
    y = fam.yaml
    fam_id = fam.ident_name
    ints = []      # (C name, value the spec gives)
    strings = []   # (C name, string the spec gives)
    enums = []     # C enum type names that must exist

    strings.append((c_upper(y.get('c-family-name', y['name'] + '-family-name')), y['name']))
    ints.append((c_upper(y.get('c-version-name', y['name'] + '-family-version')),
                 y.get('version', 1)))

    for d in y.get('definitions', []):
        if d['type'] == 'const':
            ints.append((c_upper(f"{fam_id}-{d['name']}"), d['value']))
            continue
        if d['type'] not in ('enum', 'flags'):
            continue
        e = fam.consts[d['name']]
        pfx = d.get('name-prefix', f"{fam_id}-{d['name']}-")
        for entry in e.entries.values():
            ints.append((c_upper(pfx + entry.name), entry.user_value()))
        if 'enum-name' not in d:
            enums.append(c_upper(f"{fam_id}-{d['name']}").lower())
        elif d['enum-name']:
            enums.append(c_upper(d['enum-name']).lower())
        if d.get('render-max'):
            if d['type'] == 'flags':
                ints.append((c_upper(pfx + 'mask'), e.get_mask()))
            else:
                last = max(x.value for x in e.entries.values())
                ints.append(('__' + c_upper(pfx + 'max'), last + 1))
                ints.append((c_upper(pfx + 'max'), last))

    for s in y['attribute-sets']:
        if 'subset-of' in s:
            continue
        aset = fam.attr_sets[s['name']]
        pfx = s.get('name-prefix', f"{fam_id}-a-" if s['name'] == y['name']
                    else f"{fam_id}-a-{s['name']}-")
        for attr in aset.attrs.values():
            ints.append((c_upper(pfx + attr.name), attr.value))
        last = max(a.value for a in aset.attrs.values())
        ints.append((s.get('attr-cnt-name', '__' + c_upper(pfx + 'max')), last + 1))
        ints.append((s.get('attr-max-name', c_upper(pfx + 'max')), last))
        if s.get('enum-name'):
            enums.append(c_upper(s['enum-name']).lower())

    ops = y['operations']
    pfx = ops.get('name-prefix', f"{fam_id}-cmd-")
    for msg in fam.msgs.values():
        ints.append((c_upper(pfx + msg.name), msg.req_value))
    last = max(m.req_value for m in fam.msgs.values())
    ints.append(('__' + c_upper(pfx + 'max'), last + 1))
    ints.append((c_upper(pfx + 'max'), last))
    if ops.get('enum-name'):
        enums.append(c_upper(ops['enum-name']).lower())

    for g in y.get('mcast-groups', {}).get('list', []):
        strings.append((c_upper(g.get('c-define-name', f"{fam_id}-mcgrp-{g['name']}")), g['name']))

    out = ['#include <stdio.h>', '#include <linux/tls.h>', '#include <linux/tlsmon.h>',
           'int main(void)', '{']
    for e in enums:
        out.append(f'\t(void)sizeof(enum {e});')
    for n, _ in ints:
        out.append(f'\tprintf("%s %lld\\n", "{n}", (long long)({n}));')
    for n, _ in strings:
        out.append(f'\tprintf("%s %s\\n", "{n}", {n});')
    out += ['\treturn 0;', '}']
    with open(sys.argv[5], 'w') as f:
        f.write('\n'.join(out) + '\n')
    for n, v in ints:
        print(n, v)
    for n, v in strings:
        print(n, v)
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == 'validate':
        return validate(sys.argv[2], sys.argv[3])
    if cmd == 'load':
        fam = family(sys.argv[2], sys.argv[3], sys.argv[4])
        print(' '.join(sorted(fam.ops)), '|', ' '.join(sorted(fam.ntfs)))
        return 0
    if cmd == 'names':
        return names(sys.argv[2], sys.argv[3], sys.argv[4])
    print(f"usage: {sys.argv[0]} validate|load|names ...", file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())

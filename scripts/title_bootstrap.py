#!/usr/bin/python3
"""Two title setups compared photo by photo (docs/user/suggestions.md): each
photo's word recall and precision against the seller's title, as
`listinglens-bench titles --dump FILE` writes them ("overlap"), paired by photo
over the dumps of both setups, with a paired bootstrap of the difference (2,000
draws of the photos with replacement, random.seed(1); the 2.5 % and 97.5 %
points).

usage: title_bootstrap.py BEFORE.json[,BEFORE2.json...] AFTER.json[,AFTER2.json...]
"""
import json
import random
import sys


def per_photo(files):
    """photo -> (recall, precision, suggested title), photos whose seller's title has a content word."""
    out = {}
    for name in files.split(','):
        with open(name, encoding='utf-8') as f:
            dumped = json.load(f)
        for e in dumped['measured']:
            if 'overlap' not in e:
                sys.exit(f'{name}: no per-photo overlap (a dump of an older listinglens-bench)')
            counted, recall, precision = e['overlap']
            if counted:
                out[e['photo']] = (recall, precision, e['suggested'])
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = per_photo(sys.argv[1]), per_photo(sys.argv[2])
    if set(before) != set(after):
        sys.exit(f'the dumps measure different photos ({len(before)} and {len(after)})')
    photos = sorted(before)
    n = len(photos)
    if n == 0:
        sys.exit('no photo to compare')
    d_recall = [after[p][0] - before[p][0] for p in photos]
    d_precision = [after[p][1] - before[p][1] for p in photos]
    print(f'{n} photos, {sum(before[p][2] != after[p][2] for p in photos)} titles changed')
    for label, side in (('before', before), ('after', after)):
        print(f'{label}: recall {sum(side[p][0] for p in photos) / n:.4f}, precision {sum(side[p][1] for p in photos) / n:.4f}')
    random.seed(1)
    draws_r, draws_p = [], []
    for _ in range(2000):
        idx = [random.randrange(n) for _ in range(n)]
        draws_r.append(sum(d_recall[i] for i in idx) / n)
        draws_p.append(sum(d_precision[i] for i in idx) / n)
    draws_r.sort()
    draws_p.sort()
    print(f'recall {sum(d_recall) / n:+.4f} ({draws_r[49]:+.4f} to {draws_r[1949]:+.4f}), '
          f'precision {sum(d_precision) / n:+.4f} ({draws_p[49]:+.4f} to {draws_p[1949]:+.4f})')


if __name__ == '__main__':
    main()

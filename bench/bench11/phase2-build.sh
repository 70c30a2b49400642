#!/bin/sh
# Phase 2 step 1 (bench11): release build of the commit in /work/briefs/c0007-ready.
C=$(tr -s ' \n\t' ' ' < /work/briefs/c0007-ready | awk '{print $1}')
cd /work/bench11 || exit 1
git checkout --detach "$C" || exit 1
S=$(git rev-parse --short=7 HEAD)
echo "commit $C short $S"
for try in 1 2; do
  nice -n 10 /usr/bin/time -f "%e %U %S %M" swift build -c release --scratch-path .build-rel > /work/corpora/build-$S.log 2>&1
  rc=$?
  echo "build try $try rc=$rc"; tail -c 300 /work/corpora/build-$S.log
  [ $rc -eq 0 ] && break
  grep -q "signal 11\|Segmentation" /work/corpora/build-$S.log && rm -rf .build-rel
done
[ $rc -eq 0 ] && cp .build-rel/release/hunt /work/corpora/hunt-$S && echo "copied /work/corpora/hunt-$S"

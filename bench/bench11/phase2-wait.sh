#!/bin/sh
while [ ! -s /work/briefs/c0007-ready ]; do sleep 10; done
sleep 2
date -u +"c0007-ready seen %H:%M:%S"
/work/corpora/phase2-build.sh

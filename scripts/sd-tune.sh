#!/bin/bash
# quick balance check: crew expert/random/silent/deaf, imposter expert/random + adversaries
N=${1:-100}
cd /work/wt/social
( for a in expert random silent deaf; do npx tsx scripts/sd-quick.ts $a crewmate $N & done; wait ) 2>&1 | sed 's/ms\/ep.*//'
( for a in expert random adv:bandwagon adv:kill-on-sight adv:false-witness adv:always-accuse; do npx tsx scripts/sd-quick.ts $a imposter $N & done; wait ) 2>&1 | sed 's/ms\/ep.*//'
( for a in adv:template-reader adv:reward-prober adv:always-accuse adv:bandwagon adv:silence; do npx tsx scripts/sd-quick.ts $a crewmate $N & done; wait ) 2>&1 | sed 's/ms\/ep.*//'

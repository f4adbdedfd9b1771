#!/usr/bin/env bash
# Checks the rsmsim program as a user runs it.
set -u
sim="$1"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi; }

cd "$work"
"$sim" > run1.txt 2>&1; rc=$?
check "default run exits 0" "[ $rc -eq 0 ]"
check "default run reports PASS" "grep -q '^result: PASS' run1.txt"
check "default run writes waveforms/rsmsim.vcd" "[ -s waveforms/rsmsim.vcd ]"
if command -v vcd2fst > /dev/null; then
  check "the VCD converts with gtkwave's vcd2fst" "vcd2fst waveforms/rsmsim.vcd w.fst > /dev/null 2>&1 && [ -s w.fst ]"
else
  echo "FAIL - vcd2fst (gtkwave) is not installed"; fail=1
fi
check "the VCD holds the rsmapi calls, MMIO, fabric packets and RTL internals" \
  "grep -q ' api ' waveforms/rsmsim.vcd && grep -q ' kind ' waveforms/rsmsim.vcd && grep -q ' segid ' waveforms/rsmsim.vcd && grep -q ' txn_issued ' waveforms/rsmsim.vcd"
check "every signal of the run's waveforms/rsmsim.gtkw is in the VCD, and its value-name filters exist" \
  "python3 $here/check_gtkw.py waveforms/rsmsim.vcd waveforms/rsmsim.gtkw"
check "node 8's api signal shows its rsmapi calls by name, idle between them" \
  "python3 $here/check_vcd_api.py waveforms/rsmsim.vcd waveforms/rsmsim.vcd.names 8 rsm_get_controller rsm_memseg_import_connect rsm_memseg_import_put rsm_memseg_import_putv rsm_memseg_import_getv rsm_memseg_import_disconnect"
check "the filters name registers, packet commands and rsmapi calls" \
  "grep -q '^20 INTR_STATE' waveforms/rsmsim.vcd.names/register.txt && grep -q '^7 BELL' waveforms/rsmsim.vcd.names/packet_cmd.txt && grep -q ' rsm_memseg_import_put\$' waveforms/rsmsim.vcd.names/rsmapi_call.txt"
mv waveforms/rsmsim.vcd first.vcd
"$sim" > run2.txt 2>&1
check "a second run prints the same report" "diff -q run1.txt run2.txt > /dev/null"
# Byte for byte, apart from the header's date.
strip_date() { awk '/^\$date/{skip=1} !skip{print} /^\$end/{skip=0}' "$1"; }
check "a second run writes the same VCD (but the date)" "[ -s first.vcd ] && [ -s waveforms/rsmsim.vcd ] && diff -q <(strip_date first.vcd) <(strip_date waveforms/rsmsim.vcd) > /dev/null"
"$sim" -w all-to-all -n 32 --vcd a2a.vcd > vcd32.txt 2>&1
"$sim" -w all-to-all -n 32 --no-vcd > novcd32.txt 2>&1
check "writing the waveform changes nothing simulated (32-node all-to-all: same report without it)" \
  "[ -s a2a.vcd ] && diff -q <(grep -v '^rsmsim:' vcd32.txt) <(grep -v '^rsmsim:' novcd32.txt) > /dev/null"
check "every packet that crossed a link is in the 32-node all-to-all VCD (JSON report against the VCD)" \
  "\"$sim\" -w all-to-all -n 32 --vcd a2a.vcd --json a2a.json > /dev/null 2>&1 && python3 $here/check_vcd_packets.py a2a.vcd a2a.json"
full=$(stat -c %s a2a.vcd)
"$sim" -w all-to-all -n 32 --vcd sel.vcd --trace-nodes 8 --trace-blocks api,dma --trace-window 10:40 > /dev/null 2>&1
check "a trace selection shrinks the waveform and keeps what it selects" \
  "[ -s sel.vcd ] && [ \$(stat -c %s sel.vcd) -lt \$((full / 10)) ] && grep -q ' api ' sel.vcd && grep -q ' in_flight ' sel.vcd && ! grep -q ' kind ' sel.vcd && python3 $here/check_gtkw.py sel.vcd sel.gtkw"
check "a trace window starts the waveform at its start" "grep -q '^#10000000\$' sel.vcd && ! grep -q '^#[0-9]\\{1,7\\}\$' sel.vcd"
rm -f a2a.vcd sel.vcd
"$sim" --vcd w.fst > fst.txt 2>&1; rc=$?
check "--vcd NAME.fst writes FST that gtkwave's fst2vcd reads, with the same signals as the VCD" \
  "[ $rc -eq 0 ] && fst2vcd w.fst > fromfst.vcd 2>/dev/null && grep -q ' api ' fromfst.vcd && python3 $here/check_gtkw.py fromfst.vcd w.gtkw"
"$sim" --trace-fst --vcd w2 > /dev/null 2>&1
check "--trace-fst writes FST whatever the name" "[ -s w2.fst ] && fst2vcd w2.fst > /dev/null 2>&1"
"$sim" --nodes 4 --bytes 1000 --profile pcie-ntb --no-vcd > run4.txt 2>&1; rc=$?
check "4 nodes, pcie-ntb profile: exits 0 and passes" "[ $rc -eq 0 ] && grep -q '^result: PASS' run4.txt"
check "4 nodes: three importers verified" "[ \$(grep -c 'verify slice' run4.txt) -eq 3 ]"
"$sim" --nodes 6 --workload all-to-all --topology torus --no-vcd > a2a.txt 2>&1; rc=$?
check "all-to-all on 6 nodes: exits 0 and every node verifies" "[ $rc -eq 0 ] && [ \$(grep -c 'verify the slots of 5 nodes.*ok' a2a.txt) -eq 6 ]"
for topo in ring torus; do
  "$sim" --nodes 9 --topology $topo --no-vcd > topo.txt 2>&1; rc=$?
  check "9 nodes on a $topo: exits 0 and passes" "[ $rc -eq 0 ] && grep -q '^result: PASS' topo.txt"
done
"$sim" --nodes 4 --topology ring --link-down 8-12@20 --no-vcd > fault.txt 2>&1; rc=$?
check "a broken ring: its failures are reported as documented (BARRIER_FAILURE), so the run passes, exit 0" \
  "[ $rc -eq 0 ] && grep -q 'fault: link 8->12 down' fault.txt && grep -q 'BARRIER_FAILURE.*reported: fault' fault.txt && grep -q '^result: PASS (0 failures; [1-9][0-9]* reported as documented' fault.txt"
check "the report says where the load went and what the fabric answered" \
  "grep -q '^busiest links: 8->4 .* timed out: 0' run1.txt && grep -q '^busiest links: .*timed out: [1-9]' fault.txt"
"$sim" --nodes 4 --topology ring --fault down:8-12@20 --fault up:8-12@40 --no-vcd > flap.txt 2>&1
check "a link that comes back: both events printed, later calls succeed again" \
  "grep -q 'fault: link 8->12 down' flap.txt && grep -q 'fault: link 8->12 up' flap.txt && grep -q 'node 8 .*import_getv.*RSM_SUCCESS' flap.txt"
"$sim" --nodes 4 --fault down:8-0@20 --fault up:8-0@40 --no-vcd > port.txt 2>&1
check "a switch port fails and recovers (8-0: node 8's link up to the switch)" \
  "grep -q 'fault: link 8->switch down' port.txt && grep -q 'node 8 .*BARRIER_FAILURE' port.txt && grep -q 'node 8 .*import_getv.*RSM_SUCCESS' port.txt"
"$sim" --nodes 4 --topology torus --fault random:down=2,slow=2,crash=1@60 --seed 5 --no-vcd > r1.txt 2>&1
"$sim" --nodes 4 --topology torus --fault random:down=2,slow=2,crash=1@60 --seed 5 --no-vcd > r2.txt 2>&1
"$sim" --nodes 4 --topology torus --fault random:down=2,slow=2,crash=1@60 --seed 6 --no-vcd > r3.txt 2>&1
check "random faults: same seed, same run; another seed, other faults" \
  "[ \$(grep -c 'fault:' r1.txt) -eq 9 ] && diff -q r1.txt r2.txt > /dev/null && ! diff -q <(grep 'fault:' r1.txt) <(grep 'fault:' r3.txt) > /dev/null"
# The exporter crashes before the importers connect, and while they put:
# every failure is one the rsmapi documents (putv/getv on the torn-down
# import say BAD_SGIO), and an importer whose connect failed stops there.
for t in 5 20; do
  "$sim" --nodes 4 --fault crash:4@$t --no-vcd > crash$t.txt 2>&1; rc=$?
  check "the exporter crashed at $t us: every failure reported as documented" \
    "[ $rc -eq 0 ] && grep -q '^result: PASS (0 failures; [1-9]' crash$t.txt && ! grep -q 'BAD_SEG_HNDL' crash$t.txt"
done
grep -q 'RSMERR_BAD_SGIO.*reported: fault' crash20.txt
check "a putv on the crashed exporter's import is BAD_SGIO, reported" "[ $? -eq 0 ]"
# Every workload under a crash of either of its two nodes ends and passes,
# its failures all documented: a wait that times out because its sender (or
# its own node) crashed, the signal storm's counter whose "storm is over"
# never came (it waited forever), the calibration's failed calls.
for w in pingpong storm calibrate; do
  for n in 4 8; do
    timeout 120 "$sim" -n 4 -w $w --fault crash:$n@20 --no-vcd > wcrash-$w-$n.txt 2>&1; rc=$?
    check "-w $w with node $n crashed at 20 us: ends, every failure reported as documented" \
      "[ $rc -eq 0 ] && grep -q '^result: PASS (0 failures; [1-9]' wcrash-$w-$n.txt"
  done
done
"$sim" --nodes 2 --fault slow:8-4@0/8 --no-vcd > slow.txt 2>&1; rc=$?
check "a slow link: the run passes, only later" \
  "[ $rc -eq 0 ] && grep -q 'slowed 8x' slow.txt && [ \$(grep '^simulated time' slow.txt | tr -dc '0-9.' | cut -d. -f1) -gt \$(grep '^simulated time' run1.txt | tr -dc '0-9.' | cut -d. -f1) ]"
"$sim" -w calibrate --no-vcd > cal.txt 2>&1; rc=$?
check "-w calibrate: both figures within 10 % of the pci-sci targets" \
  "[ $rc -eq 0 ] && [ \$(grep -c 'within 10 %' cal.txt) -eq 2 ]"
"$sim" -w calibrate --set link_MBps=100 --no-vcd > cal2.txt 2>&1
check "-w calibrate: a slower link shows as off target" "grep -q 'DMA put bandwidth.*OFF by more than 10 %' cal2.txt"
"$sim" --fault crc:8-4@20/1 --fault crc:8-4@45/0 --set crc_retries=0 --no-vcd > noisy.txt 2>&1; rc=$?
check "a noisy link on a schedule: failures reported while it lasts, later calls succeed" \
  "[ $rc -eq 0 ] && grep -q 'corrupts requests with probability 1' noisy.txt && grep -q 'clean again' noisy.txt && grep -q 'BARRIER_FAILURE' noisy.txt && grep -q 'import_getv.*RSM_SUCCESS' noisy.txt"
"$sim" --set hop_ns=3000 --no-vcd > hop.txt 2>&1; rc=$?
check "--set changes the timing (one 4-byte put is slower)" \
  "[ $rc -eq 0 ] && ! diff -q <(grep '4-byte put' hop.txt) <(grep '4-byte put' run1.txt) > /dev/null"
printf 'base = "pcie-ntb"\nname = "custom"\nadapter_ns = 75\n' > custom.toml
"$sim" --profile-file custom.toml --no-vcd > custom.txt 2>&1; rc=$?
check "--profile-file: runs with the file's profile" "[ $rc -eq 0 ] && grep -q 'profile custom' custom.txt"
"$sim" --profile-file custom.toml --list-profiles > list.txt 2>&1
check "--list-profiles shows the parameters in effect" "grep -q 'adapter_ns  *75' list.txt"
printf 'adapter_ns = "slow"\n' > bad.toml
for bad in "--set nosuch=1" "--set hop_ns=-5" "--profile-file bad.toml" "--profile-file missing.toml" \
           "--fault melt:4@1" "--fault crc:4-8@1/2" "--fault down:4-12@3" "--fault crash:99@1" "--fault down:8-0@1" "--crc-error-rate 2"; do
  "$sim" $bad --no-vcd > bad.txt 2>&1; rc=$?
  check "rejects '$bad' with a message and non-zero exit" "[ $rc -ne 0 ] && [ -s bad.txt ] && ! grep -q '^result:' bad.txt"
done
printf '# a 4-node ring with a link flap\nnodes = 4\ntopology = "ring"\nno-vcd = true\nfault = ["down:8-12@20", "up:8-12@40"]\nset = ["hop_ns=350"]\n' > run.toml
"$sim" --config run.toml > cfg1.txt 2>&1
"$sim" --nodes 4 --topology ring --no-vcd --fault down:8-12@20 --fault up:8-12@40 --set hop_ns=350 > cfg2.txt 2>&1
check "--config FILE runs what the same command-line options run" "grep -q 'fault: link 8->12 up' cfg1.txt && diff -q cfg1.txt cfg2.txt > /dev/null"
printf 'nodez = 3\n' > typo.toml
"$sim" --config typo.toml > bad.txt 2>&1; rc=$?
check "--config refuses an unknown key" "[ $rc -ne 0 ] && grep -q 'nodez' bad.txt"
"$sim" --crash oops > bad.txt 2>&1; rc=$?
check "rejects a malformed --crash" "[ $rc -ne 0 ] && grep -q 'bad fault' bad.txt"
printf 'reserved app 0x600000 10\n\nreserved b 0x700000 1\n' > bad.segid
"$sim" --segid-file bad.segid --no-vcd > bad.txt 2>&1; rc=$?
check "rejects a malformed --segid-file with a message" "[ $rc -ne 0 ] && grep -q 'malformed' bad.txt"
printf '# ok\nreserved app 0x600000 10\n' > good.segid
"$sim" --segid-file good.segid --no-vcd > good.txt 2>&1; rc=$?
check "accepts a well-formed --segid-file" "[ $rc -eq 0 ]"
for bad in "--nodes 1" "--nodes 65" "--profile nosuch" "--topology mesh" "--bytes 0" "--frobnicate"; do
  "$sim" $bad > bad.txt 2>&1; rc=$?
  check "rejects '$bad' with a message and non-zero exit" "[ $rc -ne 0 ] && [ -s bad.txt ]"
done
# Inputs that once crashed, hung or were silently accepted (issue #9): one
# clear line naming the problem, exit 2, and nothing run.
refuse() {   # refuse WHAT EXPECTED-TEXT ARGS...
  local what=$1 text=$2; shift 2
  timeout 20 "$sim" "$@" > bad.txt 2>&1; rc=$?
  check "refuses $what (exit 2, says '$text')" "[ $rc -eq 2 ] && grep -q -- '$text' bad.txt && ! grep -q '^result:' bad.txt"
}
refuse "an unwritable waveform path" "cannot write /proc/x.vcd" --vcd /proc/x.vcd
refuse "a NaN CRC error rate" "out of range" --crc-error-rate nan
refuse "a zero-time register read" "mmio_read_ns = 0 is out of range" --set mmio_read_ns=0
refuse "a rate that would overflow time" "link_MBps = 1e-300 is out of range" --set link_MBps=1e-300
refuse "an infinite fault time" "bad fault" --fault down:4-8@inf
refuse "a fault time that saturates the clock" "bad fault" --fault crash:8@1e20
refuse "a huge slow-down factor" "bad fault" --fault slow:4-0@1/1e20
refuse "a random fault count beyond the bound" "COUNT 0..1000" --fault random:down=2147483647
ro=$(mktemp -d); chmod 555 "$ro"
if [ "$(id -u)" -ne 0 ]; then   # root writes anywhere
  (cd "$ro" && timeout 20 "$sim" > "$work/bad.txt" 2>&1); rc=$?
  check "refuses an unwritable working directory's default waveform (exit 2)" "[ $rc -eq 2 ] && grep -q 'cannot write waveforms/rsmsim.vcd' bad.txt"
fi
rmdir "$ro"
"$sim" -n 4 -w all-to-all --no-vcd --json r.json > json.txt 2>&1; rc=$?
check "--json writes the report as JSON: the same simulated time, packets and result as the text, every link" \
  "[ $rc -eq 0 ] && python3 -c \"
import json, re, sys
d = json.load(open('r.json'))
t = open('json.txt').read()
m = re.search(r'simulated time: ([0-9.]+) us; fabric packets delivered: ([0-9]+)', t)
ok = m and abs(d['simulated_us'] - float(m.group(1))) < 1e-3 and d['packets_delivered'] == int(m.group(2))
ok = ok and d['result'] == 'PASS' and d['nodes'] == 4 and len(d['links']) == 8 and d['finished']
ok = ok and all(l['bytes'] >= 18 * l['packets'] for l in d['links']) and sum(l['bytes'] for l in d['links']) > 0
sys.exit(0 if ok else 1)\""
"$sim" -n 4 --no-vcd --json c.json > c.txt 2>&1
check "--json counts and times every rsmapi call: per kind as the text shows them, per node with its register accesses" \
  "python3 -c \"
import json, sys
d = json.load(open('c.json'))
t = open('c.txt').read()
calls = {k['call']: k for k in d['calls']}
ok = calls['rsm_memseg_import_putv']['count'] == t.count('rsm_memseg_import_putv(') == 3
ok = ok and calls['rsm_memseg_import_connect']['errors'] == 0
l = calls['rsm_memseg_import_put']['latency_us']
ok = ok and 0 < l['min'] <= l['p50'] <= l['p99'] <= l['max'] and l['min'] <= l['mean'] <= l['max']
ok = ok and sum(n['calls'] for n in d['per_node']) == sum(k['count'] for k in d['calls'])
ok = ok and all(n['register_accesses'] > 0 for n in d['per_node']) and len(d['per_node']) == 4
ok = ok and [n['dma_chains'] for n in d['per_node']] == [0, 2, 2, 2] and d['options']['timing']['hop_ns'] > 0
sys.exit(0 if ok else 1)\""
"$sim" -n 4 --topology ring --fault down:8-12@20 --fault up:8-12@40 --no-vcd --json f.json > /dev/null 2>&1
check "--json lists the faults applied, when, and the options in effect" \
  "python3 -c \"
import json, sys
d = json.load(open('f.json'))
f = d['faults_applied']
sys.exit(0 if len(f) == 2 and f[0]['at_us'] == 20 and 'down' in f[0]['fault'] and d['options']['faults'] == ['down:8-12@20', 'up:8-12@40'] else 1)\""
refuse "an unwritable --json path" "--json /proc/x.json: cannot be written" --no-vcd --json /proc/x.json
"$sim" --version > ver.txt 2>&1; rc=$?
check "--version says what it is and exits 0" "[ $rc -eq 0 ] && grep -q '^rsmsim [0-9]' ver.txt"
env -u SYSTEMC_DISABLE_COPYRIGHT_MESSAGE "$sim" --help > help.txt 2>&1; rc=$?
check "--help is rsmsim's own text, not SystemC's banner first (also without the variable set)" \
  "[ $rc -eq 0 ] && head -1 help.txt | grep -q '^rsmsim: simulate' && ! grep -qi copyright help.txt"
timeout 60 "$sim" --no-vcd --time-limit 5 > limit.txt 2>&1; rc=$?
check "--time-limit stops the run there, says who was still running, exit 1" \
  "[ $rc -eq 1 ] && grep -q 'the time limit was reached at 5.0' limit.txt && grep -q 'node 8 (prog_8_1): waiting for' limit.txt"
refuse "a trace node outside the cluster" "node 12 is not in the cluster" --trace-nodes 12
refuse "a trace node that is no node id" ".5. is not a node id" --trace-nodes 4,5
refuse "an unknown trace block" ".cpu. is not a block" --trace-blocks api,cpu
refuse "a trace window that is no window" "is not FROM:TO" --trace-window 20-60
timeout --preserve-status -s INT 2 "$sim" -w all-to-all -n 8 -b 1048576 --vcd int.vcd --json int.json > int.txt 2> int.err; rc=$?
check "Ctrl-C (SIGINT) ends the run: exit 130, the report so far, a waveform a reader takes, JSON that says so" \
  "[ $rc -eq 130 ] && grep -q '^interrupted: the report so far' int.txt && grep -q 'simulated time:' int.txt && grep -q 'interrupted at' int.err && vcd2fst int.vcd int.fst > /dev/null 2>&1 && python3 -c \"import json, sys; d = json.load(open('int.json')); sys.exit(0 if d['interrupted'] and d['result'] == 'FAIL' else 1)\""
rm -f int.vcd int.fst
for n in 2 8; do
  "$sim" -w sweep -n $n --max-bytes 4096 --no-vcd --json sw$n.json --plot sw$n.svg > sw$n.txt 2>&1; rc=$?
  check "-w sweep on $n nodes: put/get/putv/getv/mapped stores from 4 B to 4 KiB, every byte checked, JSON and CSV agree, a plot" \
    "[ $rc -eq 0 ] && grep -q '^result: PASS' sw$n.txt && python3 -c \"
import csv, json, sys
d = json.load(open('sw$n.json'))['sweep']
rows = list(csv.DictReader(open('sw$n.csv')))
ok = len(d) == 5 * 6 == len(rows) and all(r['data_ok'] for r in d)
ok = ok and {r['method'] for r in d} == {'put', 'get', 'putv', 'getv', 'map'} and [r['bytes'] for r in d[:6]] == [4, 16, 64, 256, 1024, 4096]
ok = ok and all(abs(float(c['MBps']) - r['MBps']) < 1e-3 * r['MBps'] + 1e-9 for c, r in zip(rows, d))
ok = ok and d[5]['MBps'] > d[0]['MBps']
sys.exit(0 if ok else 1)\" && grep -q '<svg' sw$n.svg"
  "$sim" -w pingpong -n $n --rounds 50 --no-vcd --json pp$n.json --plot pp$n.svg > pp$n.txt 2>&1; rc=$?
  check "-w pingpong on $n nodes: 50 round trips, their statistics in JSON, every round in the CSV, a histogram" \
    "[ $rc -eq 0 ] && grep -q '50 of 50 round trips.*ok' pp$n.txt && python3 -c \"
import json, sys
p = json.load(open('pp$n.json'))['pingpong']
r = p['rtt_us']
lines = open('pp$n.csv').read().split()
sys.exit(0 if p['rounds'] == 50 and 0 < r['min'] <= r['p50'] <= r['p99'] <= r['max'] and len(lines) == 51 else 1)\" && grep -q '<svg' pp$n.svg"
done
"$sim" -n 4 --topology ring --link-down 8-12@20 --no-vcd --junit j.xml > j.txt 2>&1; rc=$?
check "--junit writes the checks as JUnit XML (one case per call and check, fault failures passed as reported)" \
  "[ $rc -eq 0 ] && python3 -c \"
import sys, xml.etree.ElementTree as ET
s = ET.parse('j.xml').getroot().find('testsuite')
cases = s.findall('testcase')
reported = [c for c in cases if c.find('system-out') is not None and 'reported' in c.find('system-out').text]
ok = s.get('failures') == '0' and len(cases) == int(s.get('tests')) > 20 and reported
ok = ok and any('rsm_memseg_import_connect' in c.get('name') for c in cases)
sys.exit(0 if ok else 1)\""
"$sim" -n 2 --no-vcd --time-limit 5 --junit j2.xml > /dev/null 2>&1
check "--junit marks a run that could not end as an error" \
  "python3 -c \"import sys, xml.etree.ElementTree as ET; s = ET.parse('j2.xml').getroot().find('testsuite'); sys.exit(0 if s.get('errors') == '1' and s.find('testcase/error') is not None else 1)\""
if command -v script > /dev/null; then
  script -qc "\"$sim\" -w all-to-all -n 8 -b 1048576 --no-vcd > /dev/null" /dev/null > tty.txt 2>&1
  "$sim" -w all-to-all -n 8 -b 1048576 --no-vcd > /dev/null 2> notty.txt
  check "a run of more than a second shows its progress on a terminal, and only there" \
    "grep -q 'us simulated, [0-9]* s wall' tty.txt && ! grep -q 'us simulated' notty.txt"
fi
for n in 2 8; do
  "$sim" -w sg -n $n --bytes 8192 --no-vcd --json sg$n.json > sg$n.txt 2>&1; rc=$?
  check "-w sg on $n nodes: putv and getv in 1..16 entries, by address and by handle, every byte checked" \
    "[ $rc -eq 0 ] && python3 -c \"
import json, sys
d = json.load(open('sg$n.json'))['sg']
ok = len(d) == 2 * 5 * 2 and all(r['data_ok'] for r in d) and {r['local'] for r in d} == {'va', 'handle'}
ok = ok and sorted({r['entries'] for r in d}) == [1, 2, 4, 8, 16]
sys.exit(0 if ok else 1)\""
  "$sim" -w storm -n $n --rounds 40 --no-vcd --json st$n.json > st$n.txt 2>&1; rc=$?
  check "-w storm on $n nodes: 40 accumulated posts all received, unaccumulated ones at most as many" \
    "[ $rc -eq 0 ] && python3 -c \"
import json, sys
a, b = json.load(open('st$n.json'))['storm']
sys.exit(0 if a['posted'] == a['received'] == 40 and 1 <= b['received'] <= b['posted'] == 40 else 1)\""
  link=$([ $n -eq 2 ] && echo 8-4 || echo 8-0)   # two nodes are cabled back to back
  "$sim" -w barrier -n $n --rounds 60 --fault crc:$link@20/0.5 --fault crc:$link@200/0 --set crc_retries=0 --no-vcd --json ba$n.json > ba$n.txt 2>&1; rc=$?
  check "-w barrier on $n nodes under a noisy link: failed closes reported and retried, nothing lost, the run passes" \
    "[ $rc -eq 0 ] && grep -q 'reported: fault' ba$n.txt && python3 -c \"
import json, sys
d = json.load(open('ba$n.json'))
b = d['barrier']
sys.exit(0 if b['rounds'] == 60 and b['lost'] == 0 and b['landed'] >= 50 and d['reported_fault_failures'] > 0 else 1)\""
done
refuse "--csv with a workload that measures nothing" "go with -w sweep or -w pingpong" --csv x.csv
refuse "an unwritable --plot path" "/proc/x.svg: cannot be written" -w sweep --csv ok.csv --plot /proc/x.svg
printf 'nodse = 4\n' > c1.toml; printf 'topology = ring\n' > c2.toml; printf 'nodes = 4\nnodes2 = 1\ntopology = 7\n' > c3.toml
refuse "a misspelt --config key, with its line and the key meant" "c1.toml:1: unknown key .nodse. (did you mean .nodes.?)" --config c1.toml
refuse "a --config file that is not TOML, with its line" "c2.toml:1: not TOML" --config c2.toml
refuse "an unknown --config key after good ones, with its line" "c3.toml:2: unknown key .nodes2." --config c3.toml
printf 'topology = 7\n' > c4.toml
refuse "a --config value of the wrong kind" "c4.toml:1: topology must be a string in quotes" --config c4.toml
refuse "an option out of range (exit 2 like every refusal)" "nodes" --nodes 1
refuse "an unknown fidelity" "--fidelity .quick.: expected rtl, cycle, fast or lockstep" --fidelity quick
refuse "a fidelity for a node that is no node id" ".5. is not a node id" --fidelity 5=fast
refuse "a fidelity for a node outside the cluster" "fidelity for node 12: no such node" --fidelity 12=fast
RSMSIM_FIDELITY=slow "$sim" --no-vcd > bad.txt 2>&1; rc=$?
check "refuses a bad RSMSIM_FIDELITY (exit 2, says what is expected)" "[ $rc -eq 2 ] && grep -q 'RSMSIM_FIDELITY=slow: expected rtl, cycle, fast or lockstep' bad.txt"
# The C++ core is cycle-exact: the same report and the same waveform, byte
# for byte but the header's date, in both fidelities, mixed per node, and
# in lockstep (which checks every register after every clock edge).
for f in rtl cycle lockstep "cycle --fidelity 8=rtl"; do
  tag=${f%% *}$( [ "$f" != "${f%% *}" ] && echo -mixed )
  "$sim" -n 4 -w all-to-all -b 4096 --fault crash:16@40 --fidelity $f --vcd fid-$tag.vcd > fid-$tag.txt 2>&1
  echo $? > fid-$tag.rc
done
same_run() { [ "$(cat fid-$1.rc)" = 0 ] && cmp -s <(grep -v '^rsmsim: ' fid-rtl.txt) <(grep -v '^rsmsim: ' fid-$1.txt) &&
             cmp -s <(strip_date fid-rtl.vcd) <(strip_date fid-$1.vcd); }
check "--fidelity cycle: the RTL run's report and waveform" "same_run cycle && grep -q 'fidelity cycle$' fid-cycle.txt"
check "--fidelity cycle --fidelity 8=rtl: the same again, node 8 on the RTL" "same_run cycle-mixed && grep -q 'fidelity cycle on 4,12,16; rtl on 8' fid-cycle-mixed.txt"
check "--fidelity lockstep: no difference, the same report and waveform" "same_run lockstep"
rm -f fid-*.vcd
# Loosely timed: whole DMA entries as trains. The same checks pass and every
# transfer's simulated time is within 5 % of the RTL run's.
for f in rtl fast; do "$sim" -w sg -b 65536 -p pcie-ntb --no-vcd --fidelity $f > sg-$f.txt 2>&1; echo $? > sg-$f.rc; done
check "--fidelity fast: -w sg passes, every putv/getv within 5 % of the RTL's simulated time" \
  "[ \"\$(cat sg-rtl.rc)\$(cat sg-fast.rc)\" = 00 ] && python3 -c \"
import sys
def times(f): return [float(l.split()[3]) for l in open(f) if l.startswith('  put') or l.startswith('  get')]
a, b = times('sg-rtl.txt'), times('sg-fast.txt')
sys.exit(0 if len(a) == len(b) == 20 and all(abs(x - y) <= 0.05 * x for x, y in zip(a, b)) else 1)\""
# Bulk puts contending for links: a train takes each link's idle gaps as
# the RTL's packets would, and its answers queue behind bursts booked on
# their way back (docs/simulation-speed.md). 2 nodes: each node's answers
# wait behind the other's burst; 4 nodes: three bursts to one target; the
# torus: routes over several links; the ring: ten writers converging on one
# node, their trains held up and queued on the way (+14 % before trains
# that queued drained at the link's speed).
bulk=("-n 2 -w all-to-all -b 65536" "-n 4 -w all-to-all -b 65536" "-n 8 -t torus -w all-to-all -b 65536"
      "-p pcie-ntb -n 8 -w putget -b 65536" "-p pcie-ntb -n 11 -t ring -w putget -b 49152")
sim_us() { "$sim" $1 --no-vcd --fidelity $2 | sed -n 's/^simulated time: \([0-9.]*\) us.*/\1/p'; }
within_5=1
for args in "${bulk[@]}"; do
  r=$(sim_us "$args" rtl); f=$(sim_us "$args" fast)
  python3 -c "import sys; sys.exit(0 if abs($f - $r) <= 0.05 * $r else 1)" 2>/dev/null || { within_5=0; echo "  $args: rtl $r us, fast $f us"; }
done
check "--fidelity fast: bulk puts contending for links end within 5 % of the RTL's simulated time" "[ $within_5 = 1 ]"
# Loosely timed, a program runs ahead of simulated time through its register
# accesses (NodeBus::decouple): they keep their times, and the waveform
# shows each at its own time, not where simulated time stood.
for f in rtl fast; do "$sim" -w pingpong --fidelity $f --vcd pp-$f.vcd --trace-blocks mmio,api > pp-$f.txt 2>&1; echo $? > pp-$f.rc; done
check "--fidelity fast: pingpong's report, CPU accesses and calls in the waveform are the RTL run's" \
  "[ \"\$(cat pp-rtl.rc)\$(cat pp-fast.rc)\" = 00 ] && cmp -s <(grep -v '^rsmsim: ' pp-rtl.txt) <(grep -v '^rsmsim: ' pp-fast.txt) &&
   cmp -s <(strip_date pp-rtl.vcd) <(strip_date pp-fast.vcd)"
torus=(-n 16 -t torus --fault random:down=2,slow=2,crash=1@60 --seed 5 --fidelity fast)
"$sim" "${torus[@]}" --no-vcd > lt-off.txt 2>&1; "$sim" "${torus[@]}" --vcd lt.vcd > lt-on.txt 2>&1
check "--fidelity fast: a faulty torus gives the same report with and without a waveform" \
  "cmp -s <(grep -v '^rsmsim: ' lt-off.txt) <(grep -v '^rsmsim: ' lt-on.txt) && grep -q 'result: PASS' lt-on.txt"
rm -f pp-*.vcd lt.vcd
[ $fail -eq 0 ] && echo "rsmsim cli: all checks passed"
exit $fail

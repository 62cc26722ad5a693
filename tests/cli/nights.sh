#!/bin/sh
# End-to-end: nights in a time zone (log.night_timezone, log.night_starts),
# the rule kept in the store, and nightly's warning about a partial night.
# fixtures/nights/ny.csv: 20 cases a night on 18, 19 and 20 November 2026
# in New York (EST, -05:00), written in UTC; the last case of the 20th,
# 20:30 EST, is written 2026-11-21T01:30:00Z.
. "$(dirname "$0")/lib.sh"
NY="$FX/nights/ny.csv"
LATE="$FX/nights/late.csv"
cfg() { # cfg FILE EXTRA-LOG-KEYS
	cat >"$1" <<JSON
{"log": {$2 "glob": "$NY"},
 "model": {"name": "m", "version": "1", "backend": "logged"},
 "report": {"formats": ["json"]}, "gate": {"min_cases": 10}}
JSON
}

# dates as written: the 21st holds one case, under a tenth of the median
# night (20, 20, 19, 1: median 19.5)
cfg "$WORK/utc.json" ""
expect_exit "nightly with dates as written" 0 "$SG" nightly --config "$WORK/utc.json" --db "$WORK/utc.db" --out-dir "$WORK/utc"
contains "the one-case latest night looks incomplete" "$WORK/err" "warning: night 2026-11-21 looks incomplete: 1 cases, the median night has 19.5"
[ -d "$WORK/utc/2026-11-21" ] && ok "the partial night is the one reported" || not_ok "the partial night is the one reported" "$(ls "$WORK/utc")"
expect_exit "--date: no warning" 0 "$SG" nightly --config "$WORK/utc.json" --db "$WORK/utc.db" --out-dir "$WORK/utc" --date 2026-11-20
if grep -q "looks incomplete" "$WORK/err"; then not_ok "no warning with --date" "$(cat "$WORK/err")"; else ok "no warning with --date"; fi

# New York nights: three whole nights of 20, no warning, the 20th reported
cfg "$WORK/ny.json" '"night_timezone": "America/New_York",'
expect_exit "nightly with nights in New York" 0 "$SG" nightly --config "$WORK/ny.json" --db "$WORK/ny.db" --out-dir "$WORK/ny"
if grep -q "looks incomplete" "$WORK/err"; then not_ok "no warning for whole nights" "$(cat "$WORK/err")"; else ok "no warning for whole nights"; fi
if $PY -c 'import json,sys; n=json.load(open(sys.argv[1]))["nights"]; assert {k: v["n"] for k, v in n.items()} == {"2026-11-18": 20, "2026-11-19": 20, "2026-11-20": 20}, n' "$WORK/ny/2026-11-20/report.json" 2>"$WORK/py"; then
	ok "the report has three nights of 20 cases"
else
	not_ok "the report has three nights of 20 cases" "$(cat "$WORK/py")"
fi
n=$(sqlite3 "$WORK/ny.db" "select value from meta where key = 'night_rule'")
[ "$n" = "local dates in America/New_York, starting 00:00" ] && ok "the store records the rule" || not_ok "the store records the rule" "$n"

# another rule into a store that has nights is refused, nothing loaded
before=$(sqlite3 "$WORK/utc.db" "select count(*) from cases")
expect_exit "a different rule into a store with nights: exit 2" 2 "$SG" ingest --db "$WORK/utc.db" --night-timezone America/New_York "$LATE"
contains "the refusal names both rules" "$WORK/err" "the store's nights are dates as written (no time zone), starting 00:00, this ingest would make them local dates in America/New_York, starting 00:00"
after=$(sqlite3 "$WORK/utc.db" "select count(*) from cases")
[ "$before" = "$after" ] && ok "nothing was loaded" || not_ok "nothing was loaded" "$before -> $after"
expect_exit "a start hour into the New York store: exit 2" 2 "$SG" ingest --db "$WORK/ny.db" --night-timezone America/New_York --night-starts 06:00 "$LATE"
expect_exit "the same rule again is accepted" 0 "$SG" ingest --db "$WORK/ny.db" --night-timezone America/New_York "$LATE"

# a shift starting 06:00 in New York (EST, -05:00 in November):
#   s001 10:30Z  = 05:30 EST          -> 23:30 on the 19th -> 2026-11-19
#   s002 11:00Z  = 06:00 EST          -> 00:00 on the 20th -> 2026-11-20
#   s003 06:30+0100 = 05:30Z = 00:30  -> 18:30 on the 19th -> 2026-11-19
#   s004 05:59 (no offset: New York)  -> 23:59 on the 19th -> 2026-11-19
#   s005 04:30Z on the 21st = 23:30 EST on the 20th       -> 2026-11-20
expect_exit "ingest with a 06:00 start" 0 "$SG" ingest --db "$WORK/shift.db" --night-timezone America/New_York --night-starts 06:00 "$LATE"
got=$(sqlite3 "$WORK/shift.db" "select group_concat(case_id || '=' || night, ' ') from (select case_id, night from cases order by case_id)")
want="s001=2026-11-19 s002=2026-11-20 s003=2026-11-19 s004=2026-11-19 s005=2026-11-20"
[ "$got" = "$want" ] && ok "nights of a shift starting 06:00" || not_ok "nights of a shift starting 06:00" "got $got"
# the same file with dates as written: the 20th but s005 (the 21st)
expect_exit "ingest with dates as written" 0 "$SG" ingest --db "$WORK/plain.db" "$LATE"
got=$(sqlite3 "$WORK/plain.db" "select group_concat(night, ' ') from (select night from cases order by case_id)")
[ "$got" = "2026-11-20 2026-11-20 2026-11-20 2026-11-20 2026-11-21" ] && ok "dates as written" || not_ok "dates as written" "got $got"

# bad zones and starts are configuration errors naming the key
expect_exit "an unknown zone flag: exit 2" 2 "$SG" ingest --db "$WORK/x.db" --night-timezone Mars/Olympus_Mons "$LATE"
contains "the flag is named" "$WORK/err" "--night-timezone: 'Mars/Olympus_Mons': unknown time zone"
cfg "$WORK/bad.json" '"night_timezone": "Nowhere/Town",'
expect_exit "an unknown zone in the config: exit 2" 2 "$SG" nightly --config "$WORK/bad.json" --db "$WORK/x.db" --out-dir "$WORK/x"
contains "the key is named" "$WORK/err" "'log.night_timezone': 'Nowhere/Town': unknown time zone"
cfg "$WORK/bad2.json" '"night_starts": "25:00",'
expect_exit "a bad start in the config: exit 2" 2 "$SG" nightly --config "$WORK/bad2.json" --db "$WORK/x.db" --out-dir "$WORK/x"
contains "the start key is named" "$WORK/err" "'log.night_starts': '25:00': not a time of day HH:MM"
[ -e "$WORK/x.db" ] && not_ok "no store made on a config error" || ok "no store made on a config error"

finish

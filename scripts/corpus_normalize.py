"""Replaces what changes from one run to the next in a corpus of outputs
(see scripts/corpus.sh): timestamps, run durations, latencies, start-up
times, paths of temporary folders, today's date (the night runs are
filed under). Rewrites the files of the folder in
place."""
import datetime
import os
import re
import sys

STAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
# a JSON member whose value is a measured time: "latency_ms": 1.23
TIMED = re.compile(r'("[a-z_0-9]*(latency|duration|startup|elapsed|_ms|_s|seconds|throughput|rss)[a-z_0-9]*"\s*:\s*)'
                   r'(-?[0-9.eE+-]+|null)')
# Prometheus samples of measured times
PROM = re.compile(r'^(shadowgate_[a-z_]*(latency|duration|startup|seconds|throughput|rss)[a-z_]*(\{[^}]*\})?) .*$',
                  re.M)
# text, Markdown, CSV, JUnit: a number followed by a time unit
UNIT = re.compile(r"\b\d+(\.\d+)?( ?)(ms|s)\b")
# measured speed and memory in text and Markdown
SPEED = re.compile(r"\b[0-9.e+]+ cases/s, peak memory [0-9.]+ [KMG]iB")
# rows of the runs-per-night tables (text, Markdown) and of history's runs:
# the measured columns that end them
MDROW = re.compile(r"^(\| \d{4}-\d\d-\d\d \| \d+ \| \d+ \| [^|]+ \|)( [^|]+ \|){5}$", re.M)
TXROW = re.compile(r"^(  \d{4}-\d\d-\d\d +\d+ +\d+ +\S+%)( +\S+){5}$", re.M)
RUNROW = re.compile(r"^(\d+ +\S+@\S+ +TIMESTAMP +\S+ +\d+ +\d+ +\d+)( +\S+){2}$", re.M)
TMP = re.compile(r"/tmp/tmp\.[A-Za-z0-9]+")
JTIME = re.compile(r'\b(time|timestamp)="[^"]*"')


# the UTC date runs are filed under (software.nights): today's
TODAY = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def normalize(text):
    text = TMP.sub("TMPDIR", text)
    text = STAMP.sub("TIMESTAMP", text)
    text = TIMED.sub(lambda m: m.group(1) + "TIME", text)
    text = PROM.sub(lambda m: m.group(1) + " TIME", text)
    text = JTIME.sub(lambda m: m.group(1) + '="TIME"', text)
    text = SPEED.sub("SPEED", text)
    text = MDROW.sub(lambda m: m.group(1) + " MEASURED |", text)
    text = TXROW.sub(lambda m: m.group(1) + " MEASURED", text)
    text = RUNROW.sub(lambda m: m.group(1) + " MEASURED", text)
    text = UNIT.sub(lambda m: "N" + m.group(2) + m.group(3), text)
    return text.replace(TODAY, "TODAY")


def main():
    folder = sys.argv[1]
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8", "surrogateescape")
        with open(path, "wb") as f:
            f.write(normalize(text).encode("utf-8", "surrogateescape"))


main()

"""The data tables of a shadowgate HTML page, read with html5lib, for the
checks of tests/cli/html.sh (which puts this folder on PYTHONPATH)."""
import sys

import html5lib


def parse(path):
    """The page at path as an html5lib tree."""
    return html5lib.parse(open(path, "rb").read(), namespaceHTMLElements=False)


def table(doc, id):
    """The rows (lists of cell texts) of the data table of chart id."""
    for d in doc.iter("details"):
        if d.get("id") == id + "-data":
            return [["".join(td.itertext()) for td in tr.findall("td")]
                    for tr in d.iter("tr") if tr.findall("td")]
    sys.exit("no data table " + id)


def f4(v):
    """A number as the page writes it: 4 decimals, an en dash for none."""
    return "\u2013" if v is None else "%.4f" % v

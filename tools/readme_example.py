"""The README's worked example: claims of the seeds as Parquet, one indicator by place and
period with DuckDB, and the table it prints.

    python tools/readme_example.py           # print the README block
    python tools/readme_example.py --write   # put it into README.md (between the markers)

tests/test_output.py runs it and checks that the README shows exactly what it prints.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- readme-example: start -->", "<!-- readme-example: end -->"

COMMAND = "python -m pipeline seeds/ --emit claims --format parquet -o claims.parquet"
QUERY = """\
SELECT subject_name AS place, time AS period, indicator, round(value / 1e4) AS 万千瓦
FROM 'claims.parquet'
WHERE unit = 'kW' AND kind = 'level' AND indicator LIKE '%装机%'
ORDER BY place, period, indicator"""


def printed() -> str:
    """What the README's Python prints: DuckDB's own rendering of the result."""
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pipeline", str(ROOT / "seeds"), "--emit", "claims", "--format",
                        "parquet", "-o", str(Path(folder) / "claims.parquet"), "--workers", "1", "-q"],
                       check=True, cwd=ROOT)
        con = duckdb.connect()
        con.execute(f"SET file_search_path = '{folder}'")
        return str(con.sql(QUERY)).rstrip()


def block() -> str:
    return "\n".join([START, "```sh", COMMAND, "```", "", "```python", "import duckdb",
                      'duckdb.sql("""', QUERY, '""").show()', "```", "", "```text", printed(), "```", END])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the block in README.md")
    args = parser.parse_args()
    text = block()
    if not args.write:
        print(text)
        return 0
    readme = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        print(f"{README}: no {START} … {END} block", file=sys.stderr)
        return 1
    README.write_text(pattern.sub(lambda _: text, readme), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

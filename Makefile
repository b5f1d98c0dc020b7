# Everything a newcomer needs: `make demo` and `make test` on a machine with only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WORDVEC := $(VENV)/bin/wordvec
DEV_STAMP := $(VENV)/.dev-installed
BENCH_STAMP := $(VENV)/.bench-installed
DEMO := demo-out

.PHONY: demo test bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The test suite also cross-checks formats and evaluation against gensim, so it installs the
# bench extra too (gensim is never a runtime dependency), and the plot and dask extras so pictures
# and --dask are tested.
$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev,bench,plot,dask]'
	touch $@

$(BENCH_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

# The whole path on the bundled Brown corpus (1.16M tokens): count, train, query, evaluate, draw a map.
# README.md shows these commands and their output (tests/test_readme.py checks they agree).
demo: $(DEV_STAMP)
	@mkdir -p $(DEMO)
	$(WORDVEC) vocab corpora/brown.txt.xz -o $(DEMO)/vocab.txt
	$(WORDVEC) train skipgram corpora/brown.txt.xz -o $(DEMO)/brown.wv --vocab $(DEMO)/vocab.txt --seed 1
	$(WORDVEC) similar $(DEMO)/brown.wv man city money --topn 3
	$(WORDVEC) analogy $(DEMO)/brown.wv go went come --topn 3
	$(WORDVEC) analogy $(DEMO)/brown.wv he - his + her --topn 3
	$(WORDVEC) evaluate $(DEMO)/brown.wv
	$(WORDVEC) plot $(DEMO)/brown.wv -o $(DEMO)/map.png --neighbours man --neighbours city --neighbours money \
		--neighbours war --topn 7

test: $(DEV_STAMP)
	$(PY) -m pytest -q

bench: $(BENCH_STAMP)
	$(PY) scripts/bench.py all

clean:
	rm -rf $(VENV) $(DEMO) bench-out .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

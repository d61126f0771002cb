# bootjump. The README's two commands are `make demo` and `make test`.
#
# Stage 1 (this file) makes sure the Debian packages are installed, then hands every goal to
# stage 2 (mk/build.mk), which may use Python, the cross compiler and the generated part data
# freely because they now exist.
PYTHON ?= /usr/bin/python3
export PYTHON

.DEFAULT_GOAL := all
.PHONY: deps clean

Makefile mk/build.mk: ;

deps:
	@bin/install-deps

clean:
	rm -rf build

%: deps
	@$(MAKE) --no-print-directory -f mk/build.mk $@

# SPDX-License-Identifier: GPL-2.0-only
# The tools the build calls, the kernel architecture it targets and how it speaks (V=1:
# every command; otherwise a line per target), included by the top-level Makefile and by
# bench/Makefile so that one override (CLANG=clang-16 ..., V=1) reaches both.

CC ?= cc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed 's/x86_64/x86/' | sed 's/aarch64/arm64/')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

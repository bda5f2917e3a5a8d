# SPDX-License-Identifier: GPL-2.0-only
# The tools the build calls and the kernel architecture it targets, included by the
# top-level Makefile and by bench/Makefile so that one override (CLANG=clang-16 ...)
# reaches both.

CC ?= cc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed 's/x86_64/x86/' | sed 's/aarch64/arm64/')

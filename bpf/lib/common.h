/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Includes and constants every Palisade BPF program starts with. */
#ifndef PAL_BPF_COMMON_H
#define PAL_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "palisade/abi.h"

#define PAL_EPERM 1
#define PAL_SIGKILL 9

#endif

# Target architecture and per-ISA source flags.
#
# ISA flags never go on the whole build (STYLE.md): a variant's own translation units get them
# through intformer_isa_sources(), and every symbol built under them carries the ISA in its name.

string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _proc)
set(INTFORMER_ARCH_X86_64 OFF)
set(INTFORMER_ARCH_AARCH64 OFF)
set(INTFORMER_ARCH_ARM32 OFF)
if(_proc MATCHES "^(x86_64|amd64)$")
  set(INTFORMER_ARCH_X86_64 ON)
elseif(_proc MATCHES "^(aarch64|arm64)")
  set(INTFORMER_ARCH_AARCH64 ON)
elseif(_proc MATCHES "^arm")
  set(INTFORMER_ARCH_ARM32 ON)
endif()

# NEON on 32-bit ARM is only usable with a hard-float ABI; soft-float armel builds stay scalar.
set(INTFORMER_ARM32_NEON OFF)
if(INTFORMER_ARCH_ARM32 AND NOT CMAKE_CXX_COMPILER MATCHES "gnueabi-g\\+\\+$|gnueabi-gcc$")
  set(INTFORMER_ARM32_NEON ON)
endif()

set(INTFORMER_ISA_FLAGS_avx2 -mavx2 -mfma -mbmi2)
set(INTFORMER_ISA_FLAGS_avx512 -mavx512f -mavx512bw -mavx512dq -mavx512vl -mbmi2)
# GCC 12 warns falsely on _mm512_undefined_* inside its own headers: silence it on these files
# (GCC only: clang, used by the fuzz and sanitizer builds, does not know the option).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND INTFORMER_ISA_FLAGS_avx512 -Wno-maybe-uninitialized)
endif()
set(INTFORMER_ISA_FLAGS_avx512vnni ${INTFORMER_ISA_FLAGS_avx512} -mavx512vnni)
# AMX tiles (GCC >= 11): the amx gemm_s8 kernel, whose epilogue and K tail are AVX-512 VNNI.
set(INTFORMER_ISA_FLAGS_amx ${INTFORMER_ISA_FLAGS_avx512vnni} -mamx-tile -mamx-int8)
set(INTFORMER_HAVE_AMX_KERNEL OFF)
if(INTFORMER_ARCH_X86_64)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag("-mamx-tile -mamx-int8" INTFORMER_CXX_HAS_AMX)
  set(INTFORMER_HAVE_AMX_KERNEL ${INTFORMER_CXX_HAS_AMX})
endif()
if(INTFORMER_ARCH_AARCH64)
  set(INTFORMER_ISA_FLAGS_neon "")
  set(INTFORMER_ISA_FLAGS_neondot -march=armv8.2-a+dotprod)
  set(INTFORMER_ISA_FLAGS_i8mm -march=armv8.2-a+dotprod+i8mm)
else()
  set(INTFORMER_ISA_FLAGS_neon -mfpu=neon)
endif()

# intformer_isa_sources(<target> <isa> <file>...): adds files compiled with that ISA's flags.
function(intformer_isa_sources target isa)
  target_sources(${target} PRIVATE ${ARGN})
  set(flags ${INTFORMER_ISA_FLAGS_${isa}})
  if(flags)
    string(REPLACE ";" " " flags "${flags}")
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES COMPILE_FLAGS "${flags}")
  endif()
endfunction()

# Which variant families this build compiles.
set(INTFORMER_HAS_X86_VARIANTS ${INTFORMER_ARCH_X86_64})
set(INTFORMER_HAS_NEON_VARIANTS OFF)
if(INTFORMER_ARCH_AARCH64 OR INTFORMER_ARM32_NEON)
  set(INTFORMER_HAS_NEON_VARIANTS ON)
endif()

# intformer_xsimd_op(<op>): the usual sources of an op whose SIMD variants are one xsimd template
# instantiated per architecture: <op>_ref.cc, <op>_dispatch.cc, <op>_avx2.cc, <op>_avx512.cc and
# <op>_neon.cc, each variant file under its own ISA's flags.
function(intformer_xsimd_op op)
  target_sources(intformer_ops PRIVATE ${op}_ref.cc ${op}_dispatch.cc)
  if(INTFORMER_HAS_X86_VARIANTS)
    intformer_isa_sources(intformer_ops avx2 ${op}_avx2.cc)
    intformer_isa_sources(intformer_ops avx512 ${op}_avx512.cc)
  endif()
  if(INTFORMER_HAS_NEON_VARIANTS)
    intformer_isa_sources(intformer_ops neon ${op}_neon.cc)
  endif()
endfunction()

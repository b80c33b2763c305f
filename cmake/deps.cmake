# Third-party libraries, all from Debian's apt repositories (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(CPUINFO REQUIRED IMPORTED_TARGET libcpuinfo)

# xxHash (XXH3_64bits): the model file's section checksums (models/format.h).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
add_library(intformer_xxhash INTERFACE)
target_link_libraries(intformer_xxhash INTERFACE PkgConfig::XXHASH)

# pthreadpool ships no CMake/pkg-config files in Debian; locate it by hand.
find_path(PTHREADPOOL_INCLUDE_DIR pthreadpool.h REQUIRED)
find_library(PTHREADPOOL_LIBRARY pthreadpool REQUIRED)
add_library(intformer_pthreadpool INTERFACE)
target_include_directories(intformer_pthreadpool INTERFACE ${PTHREADPOOL_INCLUDE_DIR})
target_link_libraries(intformer_pthreadpool INTERFACE ${PTHREADPOOL_LIBRARY} Threads::Threads)

# xsimd is header-only; Debian's CMake config drags in an xtl link dependency that xsimd itself
# does not need, so the headers are used directly.
find_path(XSIMD_INCLUDE_DIR xsimd/xsimd.hpp REQUIRED)
add_library(intformer_xsimd INTERFACE)
target_include_directories(intformer_xsimd INTERFACE ${XSIMD_INCLUDE_DIR})

# oneDNN: Debian's dnnl-config.cmake insists on OpenCL (its GPU runtime), which the CPU matmul we
# use does not need, so header and library are located directly.
set(INTFORMER_HAVE_ONEDNN OFF)
if(INTFORMER_WITH_ONEDNN AND INTFORMER_ARCH_X86_64)
  find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
  find_library(DNNL_LIBRARY dnnl)
  if(DNNL_INCLUDE_DIR AND DNNL_LIBRARY)
    set(INTFORMER_HAVE_ONEDNN ON)
    add_library(intformer_dnnl INTERFACE)
    target_include_directories(intformer_dnnl INTERFACE ${DNNL_INCLUDE_DIR})
    target_link_libraries(intformer_dnnl INTERFACE ${DNNL_LIBRARY})
  else()
    message(STATUS "intformer: oneDNN not found; the onednn gemm_s8 variant is left out")
  endif()
endif()

if(INTFORMER_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(INTFORMER_BUILD_BENCH)
  find_package(benchmark QUIET)
endif()

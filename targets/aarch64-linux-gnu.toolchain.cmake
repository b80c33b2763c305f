# aarch64 Linux (arm64), Debian's aarch64-linux-gnu cross compiler; tests run under qemu-aarch64.
# Dependencies: scripts/setup.sh --cross (GoogleTest, xxHash, utf8proc through Debian multiarch;
# cpuinfo and pthreadpool, which are not co-installable, unpacked into ${INTFORMER_CROSS_DEPS}).
# The qemu CPU model comes from QEMU_CPU (cortex-a53: neon, cortex-a76: +dotprod, max: +i8mm).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(INTFORMER_CROSS_DEPS /opt/intformer-cross/arm64 CACHE PATH "Unpacked arm64 dependencies")
list(APPEND CMAKE_PREFIX_PATH ${INTFORMER_CROSS_DEPS}/usr)
# pkg-config sees only target .pc files (no sysroot: setup.sh points libcpuinfo.pc at the
# unpacked tree): the unpacked ones, then Debian multiarch (xxHash, utf8proc).
set(_pc lib/aarch64-linux-gnu/pkgconfig)
set(ENV{PKG_CONFIG_LIBDIR} ${INTFORMER_CROSS_DEPS}/usr/${_pc}:/usr/${_pc})

# -L: the cross libc's loader. LD_LIBRARY_PATH makes it take libc from there too, not a
# multiarch libc6 found through the host's ld.so.cache: the two builds differ (2.36-8cross1 vs
# 2.36-9+deb12uN) and mixing them hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib)

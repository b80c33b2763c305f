# 32-bit ARM Linux, soft-float (Debian armel, ARMv5TE baseline): no NEON, only the scalar ref
# kernels are compiled (cmake/isa.cmake keys on the gnueabi compiler). It proves the inference
# path is plain integer C++ that needs neither an FPU nor SIMD.
# Dependencies: scripts/setup.sh --cross. Tests run under qemu-arm.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabi-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabi-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabi)

set(INTFORMER_CROSS_DEPS /opt/intformer-cross/armel CACHE PATH "Unpacked armel dependencies")
list(APPEND CMAKE_PREFIX_PATH ${INTFORMER_CROSS_DEPS}/usr)
# pkg-config sees only target .pc files (no sysroot: setup.sh points libcpuinfo.pc at the
# unpacked tree): the unpacked ones, then Debian multiarch (xxHash, utf8proc).
set(_pc lib/arm-linux-gnueabi/pkgconfig)
set(ENV{PKG_CONFIG_LIBDIR} ${INTFORMER_CROSS_DEPS}/usr/${_pc}:/usr/${_pc})

# -L: the cross libc's loader. LD_LIBRARY_PATH makes it take libc from there too, not a
# multiarch libc6 found through the host's ld.so.cache: the two builds differ (2.36-8cross1 vs
# 2.36-9+deb12uN) and mixing them hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-arm -L /usr/arm-linux-gnueabi -E LD_LIBRARY_PATH=/usr/arm-linux-gnueabi/lib)

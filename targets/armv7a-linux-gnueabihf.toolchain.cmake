# 32-bit ARMv7-A Linux, hard-float (Debian armhf); NEON kernels are compiled (-mfpu=neon on their
# own files only, cmake/isa.cmake), the baseline stays VFPv3-D16 so it runs on any armhf CPU.
# Dependencies: scripts/setup.sh --cross. Tests run under qemu-arm; the CPU model comes from
# QEMU_CPU (default "max", which has NEON; cortex-a15 / cortex-a7 are real NEON cores).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7-a)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfloat-abi=hard -mfpu=vfpv3-d16")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfloat-abi=hard -mfpu=vfpv3-d16")

set(INTFORMER_CROSS_DEPS /opt/intformer-cross/armhf CACHE PATH "Unpacked armhf dependencies")
list(APPEND CMAKE_PREFIX_PATH ${INTFORMER_CROSS_DEPS}/usr)
# pkg-config sees only target .pc files (no sysroot: setup.sh points libcpuinfo.pc at the
# unpacked tree): the unpacked ones, then Debian multiarch (xxHash, utf8proc).
set(_pc lib/arm-linux-gnueabihf/pkgconfig)
set(ENV{PKG_CONFIG_LIBDIR} ${INTFORMER_CROSS_DEPS}/usr/${_pc}:/usr/${_pc})

# -L: the cross libc's loader. LD_LIBRARY_PATH makes it take libc from there too, not a
# multiarch libc6 found through the host's ld.so.cache: the two builds differ (2.36-8cross1 vs
# 2.36-9+deb12uN) and mixing them hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-arm -L /usr/arm-linux-gnueabihf -E LD_LIBRARY_PATH=/usr/arm-linux-gnueabihf/lib)

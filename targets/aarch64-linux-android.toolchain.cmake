# Android arm64-v8a: wraps the NDK's own toolchain file (compilers, sysroot, API level, STL), so
# the NDK stays the authority on how Android code is built. Needs ANDROID_NDK (environment or
# -DANDROID_NDK=...); nothing here is downloaded. Tests are not run (no emulator here): build the
# libraries and examples/classify.c, push them to a device with adb, and run them there.
# The NDK sysroot has no cpuinfo/pthreadpool/xxHash/utf8proc: provide Android builds of them via
# CMAKE_PREFIX_PATH / PKG_CONFIG_LIBDIR (docs/targets.md, "Android").
if(NOT ANDROID_NDK)
  set(ANDROID_NDK $ENV{ANDROID_NDK})
endif()
if(NOT ANDROID_NDK OR NOT EXISTS "${ANDROID_NDK}/build/cmake/android.toolchain.cmake")
  message(FATAL_ERROR "targets/aarch64-linux-android: set ANDROID_NDK to an Android NDK (r23 or "
                      "newer); '${ANDROID_NDK}' has no build/cmake/android.toolchain.cmake")
endif()
set(ANDROID_ABI arm64-v8a CACHE STRING "")
set(ANDROID_PLATFORM android-24 CACHE STRING "")  # Android 7.0, the NDK default minimum for arm64 apps today
set(ANDROID_STL c++_static CACHE STRING "")
set(INTFORMER_BUILD_HOST_TOOLS OFF CACHE BOOL "")  # converter and FP32 reference stay on the host
include("${ANDROID_NDK}/build/cmake/android.toolchain.cmake")

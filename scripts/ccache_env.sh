# Sourced by build.sh and fuzz.sh: how ccache keys this project's compiles.
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses the
# objects a developer's build left; without these it hashes absolute paths and misses.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
# LibTorch objects compile against a precompiled header, and tests expand __FILE__: ccache
# caches them only with these (a cached test object may then name another clone's path)
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime,file_macro

# `cmake --install`: the stx program and its shipped models, and the library as a CMake package
# (find_package(SpatialTranscriptomer) -> stx::pipeline and the other layers) and a pkg-config
# file. The layers stay static libraries: the package re-finds the Debian packages they link
# (SpatialTranscriptomerConfig.cmake.in), so a program links them as stx itself does.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(STX_LAYERS stx_core stx_stats stx_io stx_expression stx_pathways stx_torch_support stx_histology
               stx_histology_torch stx_encoders stx_model stx_train stx_eval stx_explain stx_domains stx_viz stx_report
               stx_outputs stx_pipeline)
foreach(layer IN LISTS STX_LAYERS ITEMS stx_warnings stx_allocator)
  string(REGEX REPLACE "^stx_" "" short ${layer})
  set_target_properties(${layer} PROPERTIES EXPORT_NAME ${short})  # stx::pipeline, stx::io, ...
endforeach()
install(TARGETS stx RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stx/models)  # model_registry looks there
install(TARGETS ${STX_LAYERS} stx_warnings stx_allocator EXPORT SpatialTranscriptomerTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/stx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT SpatialTranscriptomerTargets NAMESPACE stx:: FILE SpatialTranscriptomerTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SpatialTranscriptomer)
configure_package_config_file(cmake/SpatialTranscriptomerConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/SpatialTranscriptomerConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SpatialTranscriptomer)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/SpatialTranscriptomerConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/SpatialTranscriptomerConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/SpatialTranscriptomerConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SpatialTranscriptomer)

# pkg-config (relocatable: the prefix is where the .pc file lies): the layers in link order
# (each after those that use it), then what they link
list(REVERSE STX_LAYERS)
set(STX_PC_LIBS "")
foreach(layer IN LISTS STX_LAYERS)
  string(APPEND STX_PC_LIBS " -l${layer}")
endforeach()
set(STX_PC_TORCH_CFLAGS "${TORCH_CXX_FLAGS}")
foreach(dir IN LISTS TORCH_INCLUDE_DIRS)
  if(NOT dir STREQUAL "/usr/include")  # a system directory named by -I would break #include_next
    string(APPEND STX_PC_TORCH_CFLAGS " -I${dir}")
  endif()
endforeach()
set(STX_PC_TORCH_LIBS "-ltorch -ltorch_cpu -lc10")
configure_file(cmake/spatialtranscriptomer.pc.in ${CMAKE_CURRENT_BINARY_DIR}/spatialtranscriptomer.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/spatialtranscriptomer.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

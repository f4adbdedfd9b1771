// librsmsim.so is the whole simulator (cluster, model, verilated core); its
// code comes from the project's static libraries, linked in whole. This
// translation unit only gives the library a source of its own.
namespace rsmsim {
extern const char kLibraryName[] = "librsmsim";
}

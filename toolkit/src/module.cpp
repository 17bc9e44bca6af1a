// Module identity (keeps the library non-empty while it grows).
namespace relais::toolkit {
const char* ModuleName() { return "toolkit"; }
}  // namespace relais::toolkit

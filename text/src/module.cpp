// Module identity (keeps the library non-empty while it grows).
namespace relais::text {
const char* ModuleName() { return "text"; }
}  // namespace relais::text

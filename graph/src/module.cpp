// Module identity (keeps the library non-empty while it grows).
namespace relais::graph {
const char* ModuleName() { return "graph"; }
}  // namespace relais::graph

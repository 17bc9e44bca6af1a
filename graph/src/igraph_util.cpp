// igraph boundary: the error handler records the reason in a thread_local and frees igraph's
// temporaries (IGRAPH_FINALLY_FREE), then returns; callers turn the error code into relais::Error.
#include "detail/igraph_util.hpp"

#include "relais/base/error.hpp"

namespace relais::graph::detail {
namespace {

thread_local std::string tl_reason;

void Handler(const char* reason, const char* file, int line, igraph_error_t igraph_errno) {
  tl_reason = std::string(reason ? reason : "unknown igraph error") + " (" + igraph_strerror(igraph_errno) + ", " +
              (file ? file : "?") + ":" + std::to_string(line) + ")";
  IGRAPH_FINALLY_FREE();
}

}  // namespace

void InstallIgraphHandler() { igraph_set_error_handler(&Handler); }

void IgraphCheck(igraph_error_t code, const char* what) {
  if (code == IGRAPH_SUCCESS) return;
  std::string reason = tl_reason.empty() ? std::string(igraph_strerror(code)) : tl_reason;
  tl_reason.clear();
  throw Error(ErrorKind::kGraph, std::string(what) + ": " + reason);
}

IgraphVector::IgraphVector(igraph_integer_t n) {
  InstallIgraphHandler();
  IgraphCheck(igraph_vector_init(&v_, n), "igraph_vector_init");
}

IgraphIntVector::IgraphIntVector(igraph_integer_t n) {
  InstallIgraphHandler();
  IgraphCheck(igraph_vector_int_init(&v_, n), "igraph_vector_int_init");
}

IgraphGraph::IgraphGraph(const igraph_vector_int_t* edges, igraph_integer_t n, bool directed) {
  InstallIgraphHandler();
  IgraphCheck(igraph_create(&g_, edges, n, directed ? IGRAPH_DIRECTED : IGRAPH_UNDIRECTED), "igraph_create");
}

}  // namespace relais::graph::detail

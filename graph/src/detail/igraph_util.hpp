// RAII over igraph's C types and an error handler that never throws through igraph's frames.
#pragma once

#include <igraph.h>

#include <string>

namespace relais::graph::detail {

/// Installs relais's igraph error handler on the calling thread (idempotent).
void InstallIgraphHandler();

/// Throws relais::Error(kGraph) with the recorded igraph reason when code != IGRAPH_SUCCESS.
void IgraphCheck(igraph_error_t code, const char* what);

class IgraphVector {
 public:
  explicit IgraphVector(igraph_integer_t n = 0);
  ~IgraphVector() { igraph_vector_destroy(&v_); }
  IgraphVector(const IgraphVector&) = delete;
  IgraphVector& operator=(const IgraphVector&) = delete;
  igraph_vector_t* get() { return &v_; }

 private:
  igraph_vector_t v_;
};

class IgraphIntVector {
 public:
  explicit IgraphIntVector(igraph_integer_t n = 0);
  ~IgraphIntVector() { igraph_vector_int_destroy(&v_); }
  IgraphIntVector(const IgraphIntVector&) = delete;
  IgraphIntVector& operator=(const IgraphIntVector&) = delete;
  igraph_vector_int_t* get() { return &v_; }

 private:
  igraph_vector_int_t v_;
};

class IgraphGraph {
 public:
  IgraphGraph(const igraph_vector_int_t* edges, igraph_integer_t n, bool directed);
  ~IgraphGraph() { igraph_destroy(&g_); }
  IgraphGraph(const IgraphGraph&) = delete;
  IgraphGraph& operator=(const IgraphGraph&) = delete;
  igraph_t* get() { return &g_; }

 private:
  igraph_t g_;
};

}  // namespace relais::graph::detail

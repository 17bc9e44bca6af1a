#include "relais/base/threads.hpp"

#include <algorithm>
#include <thread>

namespace relais {

int ThreadCountOrDefault(int requested) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace relais

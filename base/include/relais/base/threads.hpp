// The one rule for how many worker threads a command uses.
#pragma once

namespace relais {

/// `requested` when positive, else every core the machine reports (at least one).
int ThreadCountOrDefault(int requested);

}  // namespace relais

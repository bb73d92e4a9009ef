#pragma once

#include "head_trainer.h"

#include <vector>

namespace listinglens {

// The validation split (HeadTrainer::validationSplit): true for validation.
// Listings whose photos' perceptual hashes match (within
// options.duplicateMaxHamming bits) form one group, and a group goes to one
// side only; a group's side is a stable hash of its smallest listing id and
// the seed, the same on every machine.
std::vector<bool> splitByListing(const std::vector<TrainingExample> &examples, const TrainingOptions &options);

} // namespace listinglens

#pragma once

#include "head_trainer.h"

#include <limits>
#include <vector>

namespace listinglens {

// The validation split (HeadTrainer::validationSplit): true for validation.
// Listings whose photos' perceptual hashes match (within
// options.duplicateMaxHamming bits) form one group, and a group goes to one
// side only; a group's side is a stable hash of its smallest listing id and
// the seed, the same on every machine.
std::vector<bool> splitByListing(const std::vector<TrainingExample> &examples, const TrainingOptions &options);

// The same groups dealt into `folds` folds (0 to folds - 1) by the same draw:
// with a validation share of 1 / folds, fold 0 is the validation split. Past
// `maxDealt` listings, a seeded draw of whole groups (about maxDealt listings)
// is dealt and the others get -1: in no fold.
std::vector<int> foldsByListing(const std::vector<TrainingExample> &examples, const TrainingOptions &options, int folds,
                                int maxDealt = std::numeric_limits<int>::max());

} // namespace listinglens

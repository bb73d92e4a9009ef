#pragma once

#include "moderation_lane.h"
#include "photo_result.h"
#include "title_builder.h"

namespace listinglens {

// The moderation flags (contact_details, stock_photo_text, person_in_photo)
// are not photo-quality faults: they ask for review for their own reason.
bool isModerationFlag(const QString &flag);

// The review reasons the moderation flags in `flags` give (each flag is its
// own reason), to add to the others.
QStringList moderationReviewReasons(const QStringList &flags);

// A result completed by the moderation lane: its text and faces, the flags
// they raise in quality.flags, review when contact details, a stock mark or
// a person were found, the thumbnail with faces blurred, and the title with
// the brand and the words sellers write read on the item (applyPhotoText with
// `sellers` and `isCatchAll`). `ok` false: the photo was not read, and the
// result stands as it was, marked so (state Failed, no thumbnail) and asking
// for review (kNotModerated).
void completeModeration(PhotoResult &result, ModerationFindings found, bool ok, const SellersSpelling &sellers = {},
                        const IsCatchAll &isCatchAll = {});

} // namespace listinglens

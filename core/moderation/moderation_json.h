#pragma once

#include "moderation_result.h"

#include <QJsonObject>

namespace listinglens {

// The result JSON's "text" object: lines, contacts, brands and models, each
// with its box ({"x","y","width","height"} in the photo's pixels).
QJsonObject photoTextToJson(const PhotoText &text);

// The result JSON's "moderation" object: the lane's state, the flags it
// raised and the faces found.
QJsonObject moderationToJson(const PhotoModeration &moderation);

// What the store keeps (predictions.moderation_json): both of the above,
// read back into a PhotoModeration. Anything unreadable reads as nothing found.
QJsonObject moderationToStoredJson(const PhotoModeration &moderation);
PhotoModeration moderationFromStoredJson(const QJsonObject &stored);

} // namespace listinglens

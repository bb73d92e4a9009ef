#pragma once

// What the moderation lane reads on a photo file, for the tests that read
// the shared photos as the lane does.
#include "image_loader.h"
#include "photo_reading.h"

#include <optional>

namespace listinglens::test {

// The photo at `path` decoded and read as the lane reads it; none when it
// cannot be read or decoded.
inline std::optional<PhotoText> readPhotoFile(TextReader &reader, const QString &path)
{
    const ImageLoader loader;
    auto bytes = loader.readFile(path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return std::nullopt;
    return readPhotoText(reader, moderationInput(std::move(image).value(), bytes.value()), {});
}

} // namespace listinglens::test

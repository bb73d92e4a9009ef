// Fuzzes the image header and EXIF parser: any bytes give a header or an Error.
#include "image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto header = listinglens::readImageHeader({data, size});
    if (header.ok()) {
        const listinglens::ImageHeader &h = header.value();
        if (h.width <= 0 || h.height <= 0 || h.orientation < 1 || h.orientation > 8)
            __builtin_trap(); // readImageHeader promises pixels and a valid orientation
        (void)listinglens::imageFormatName(h.format);
    } else {
        (void)header.error().codeName();
    }
    return 0;
}

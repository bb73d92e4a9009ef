#pragma once

#include "error.h"

#include <QString>

namespace listinglens::ui {

// What a model folder holds, checked the way the window loads it: its manifest
// (ModelManifest::forModelDir) and then the model itself (InferenceEngine::load,
// which runs it once on a probe). Takes a second or more: call it off the GUI
// thread (SettingsDialog runs it with QtConcurrent). The error's message is in
// plain words for the Settings dialog: what is wrong with the folder, no
// command-line advice.
struct ModelFolder {
    QString name;    // the manifest's name and version
    QString version;
    int categories = 0;
};
// device and threads as the window will load it with (LibTorch's thread count
// is set for the process by a load: give the count the window is to use).
Result<ModelFolder> checkModelFolder(const QString &dir, const QString &device, int threads);

// A model error as the window shows it: without the command-line advice
// (--model-dir) the core's messages carry for the commands.
QString plainModelError(const QString &message);

} // namespace listinglens::ui

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PETREL_TYPE_APPLICATION (petrel_application_get_type ())
G_DECLARE_FINAL_TYPE (PetrelApplication, petrel_application, PETREL, APPLICATION, AdwApplication)

PetrelApplication *petrel_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

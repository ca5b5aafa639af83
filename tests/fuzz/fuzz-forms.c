/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: data forms (XEP-0004) and registration forms
 * (XEP-0077) as a server might send them.  Whatever parses must also
 * serialise into a submit form without trouble.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xep-0004-forms.h"
#include "xep-0077-register.h"
#include "xmpp-node.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppForm) form = NULL;
  g_autoptr(XmppRegistrationForm) registration = NULL;

  node = xmpp_node_parse ((const char *) data, size, NULL);
  if (node == NULL)
    return 0;

  form = xmpp_form_parse (node, NULL);
  if (form != NULL)
    {
      g_autoptr(XmppNode) submit = xmpp_form_build_submit (form);

      if (submit == NULL)
        abort ();
    }

  registration = xmpp_registration_form_parse (node, NULL);
  return 0;
}

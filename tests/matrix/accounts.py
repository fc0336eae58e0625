from tests.matrix import NO_CLIENT, Entry

ENTRIES = [
    Entry("accounts:login", NO_CLIENT, public=True,
          note="signed-in people are sent on to their start page"),
    Entry("accounts:logout", NO_CLIENT, method="post",
          note="POST only; shows the signed-out page"),
    Entry("accounts:otp_verify", NO_CLIENT,
          note="needs the password step; anonymous people go to sign-in"),
    Entry("accounts:otp_setup", NO_CLIENT,
          note="needs the password step; anonymous people go to sign-in"),
    Entry("accounts:preferences", NO_CLIENT, note="my account"),
    Entry("accounts:set_language", NO_CLIENT, method="post", public=True,
          data=lambda t: {"language": "sv", "next": "/"},
          note="open to all; saves the preference for a signed-in person"),
    Entry("accounts:token", NO_CLIENT, method="post", data=lambda t: {"action": "create"},
          note="the person's own API token, shown once"),
]

// The login page: whoever signs in as someone else first makes the device forget the copies the
// previous person stored (owner.js).
import { guardLogin } from "./owner.js";

const form = document.querySelector("form.login-form");
if (form && "localStorage" in window) guardLogin(form);

// A new account starts in the time zone of the browser it is made in (the profile page
// changes it later); without this script the account starts in UTC.
import { browserTimeZone } from '../config/page_config.js';

document.getElementById('register-timezone').value = browserTimeZone();

// Every page: times the server wrote are shown in the user's locale, like the times the
// pages' scripts write (one time format everywhere).
import { localiseTimes } from './dom.js';

localiseTimes(document);

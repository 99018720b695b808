/**
 * Telegraf's echo bot for the end-to-end bench, polling: `bot.launch()` (its own polling loop).
 *
 * @module
 */
import { readConfig } from "./config.ts";
import { telegrafEcho } from "./telegraf_echo.ts";

void telegrafEcho(readConfig()).launch();

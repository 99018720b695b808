import type { MsgIdentifier } from "../api/msg_identifier.ts";
import type { DelegatorBot, Msg } from "../bot/delegator_bot.ts";
import { StopListening } from "../exception/stop_listening.ts";
import { Administrator } from "./administrator.ts";
import { Editor } from "./editor.ts";
import { createListener, type Listener } from "./listener.ts";
import { Sender } from "./sender.ts";

/**
 * What every delegate context has: its bot, its id (the seed) and a listener on its own mailbox.
 * Constructors of contexts and of the mixins over them take `(bot, contextId, options)`.
 */
export class ListenerContext {
  /** The bot, or an augmented version of it (see `InterceptCallbackQueryMixin`). */
  bot: DelegatorBot;
  /** The context's id: the seed its delegate was created for. */
  readonly id: unknown;
  /** Reads this delegate's messages. */
  readonly listener: Listener;
  /** The bot as given, even after {@link bot} is replaced by an augmented version. */
  readonly originalBot: DelegatorBot;

  /**
   * Creates an instance.
   *
   * @param bot the delegating bot.
   * @param contextId the seed.
   * @param _options options for mixins further up the class chain.
   */
  constructor(bot: DelegatorBot, contextId: unknown, _options?: object) {
    this.bot = bot;
    this.originalBot = bot;
    this.id = contextId;
    this.listener = createListener(bot);
  }

  /** Called by `createOpen` with the first message and the seed; a truthy result skips `onMessage` for it. */
  open(_initialMsg: Msg, _seed: unknown): unknown {
    return undefined;
  }

  /** Called once when the delegate ends, with the reason (`IdleTerminate`, `StopListening` or an error). */
  onClose(_ex: unknown): unknown {
    return undefined;
  }

  /** Ends the delegate: throws `ex`, or `StopListening` without one. */
  close(ex?: unknown): never {
    throw ex ?? new StopListening();
  }
}

/** A context for one chat: its id, a {@link Sender} and an {@link Administrator} for it. */
export class ChatContext extends ListenerContext {
  #sender: Sender | undefined;
  #administrator: Administrator | undefined;

  /** The chat's id. */
  get chatId(): number | string {
    return this.id as number | string;
  }

  /** Sends to this chat (made on first use). */
  get sender(): Sender {
    return this.#sender ??= new Sender(this.bot, this.chatId);
  }

  /** Administers this chat (made on first use). */
  get administrator(): Administrator {
    return this.#administrator ??= new Administrator(this.bot, this.chatId);
  }
}

/** A context for one user: its id and a {@link Sender} to the private chat with the user. */
export class UserContext extends ListenerContext {
  #sender: Sender | undefined;

  /** The user's id. */
  get userId(): number {
    return this.id as number;
  }

  /** Sends to the user (made on first use). */
  get sender(): Sender {
    return this.#sender ??= new Sender(this.bot, this.userId);
  }
}

/** A context for the message callback queries come from: its identifier and an {@link Editor} for it. */
export class CallbackQueryOriginContext extends ListenerContext {
  #editor: Editor | undefined;

  /** The originating message's identifier: `[chatId, messageId]` or `[inlineMessageId]`. */
  get origin(): MsgIdentifier {
    return this.id as MsgIdentifier;
  }

  /** Edits the originating message (made on first use). */
  get editor(): Editor {
    return this.#editor ??= new Editor(this.bot, this.origin);
  }
}

/** A context for one invoice (telepot's `InvoiceContext`): its id is the invoice's payload. */
export class InvoiceContext extends ListenerContext {
  /** The invoice payload this context is about. */
  get payload(): string {
    return this.id as string;
  }
}
